"""The platform's own e-mails (to staff, to people given access), rendered in the recipient's language."""

from __future__ import annotations

import pytest

from msem.mailing.models import OutgoingEmail
from msem.mailing.staff_mail import staff_mail_render
from tests.factories import UserFactory
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "greeting"), [("fr", "Bonjour"), ("en", "Hello")])
def test_rendered_in_the_recipients_language_with_a_one_line_subject(school, language, greeting):
    user = UserFactory(full_name="Julie Perrin", language=language)
    context = {"user": user, "school": school, "url": "https://msem.example/x/", "hours": 72, "login_url": "/"}

    mail = staff_mail_render("invitation", context, language=language)

    assert "\n" not in mail.subject
    assert mail.subject.strip() == mail.subject
    assert mail.text.startswith(f"{greeting} Julie Perrin")
    assert f"{greeting} Julie Perrin" in mail.html


def test_an_email_in_plain_text_only_has_no_html_part(school):
    user = UserFactory(language="fr")
    context = {"user": user, "url": "https://msem.example/reset/", "minutes": 60}

    mail = staff_mail_render("password_reset", context, language="fr", with_html=False)

    assert mail.html == ""
    assert "https://msem.example/reset/" in mail.text


def test_a_school_named_ecole_is_not_written_de_ecole_in_french(school):
    """A new school's name often starts with « École »: « le back-office de École de ski… » is not French."""
    school.name = "École de ski des Aiguilles"
    school.save()
    user = UserFactory(full_name="Claire Martin", language="fr")
    context = {"user": user, "school": school, "url": "https://msem.example/x/", "hours": 72, "login_url": "/"}

    invitation = staff_mail_render("invitation", context, language="fr")
    access = staff_mail_render("access_granted", context, language="fr")
    receive_inquiry(school)
    notification = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.NOTIFICATION)

    assert "le back-office de votre école, École de ski des Aiguilles." in invitation.text
    assert "par le formulaire de contact de votre école, École de ski des Aiguilles." in notification.text_body
    assert "d’une école de plus sur Msem, École de ski des Aiguilles, avec" in access.text
    assert "de École" not in invitation.text + invitation.html + notification.text_body + access.text + access.html
