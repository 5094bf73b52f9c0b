"""A school's French e-mail never starts a line with « ! ? : ; » alone, and writes its apostrophes."""

from __future__ import annotations

import pytest

from msem.mailing.client_mail import school_mail_compose
from msem.mailing.models import MailKind, MailTemplate
from msem.schools.models import School

NBSP = "\u00a0"  # before « : » and inside « »
NNBSP = "\u202f"  # before « ; ! ? »
RSQUO = "\u2019"  # an elision's apostrophe


def typed_by_the_school(school: School, language: str, *, subject: str, body: str, signature: str) -> None:
    templates = MailTemplate.objects.for_school(school)
    templates.filter(kind=MailKind.ACKNOWLEDGEMENT, language=language).update(subject=subject, body=body)
    templates.filter(kind=MailKind.SIGNATURE, language=language).update(body=signature)


def acknowledgement(school: School, language: str, client_name: str = "Claire Martin"):
    return school_mail_compose(
        school=school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=language,
        values={"client_name": client_name, "reference": "DEM-2026-00042"},
    )


@pytest.mark.django_db
class TestFrenchPunctuation:
    def test_the_spaces_she_typed_before_the_marks_become_no_break_spaces_in_both_parts(self, school):
        typed_by_the_school(
            school,
            "fr",
            subject="Votre demande {reference} : bien reçue",
            body="Bonjour {client_name} ! Votre demande est « bien » arrivée ; merci. Des questions ?\n"
            "Horaires : 8:30-18:00, https://esf.example/horaires?saison=hiver",
            signature="À bientôt !",
        )

        mail = acknowledgement(school, "fr")

        assert mail.text.startswith(
            f"Bonjour Claire Martin{NNBSP}! Votre demande est «{NBSP}bien{NBSP}» arrivée{NNBSP}; merci. "
            f"Des questions{NNBSP}?\nHoraires{NBSP}: 8:30-18:00, https://esf.example/horaires?saison=hiver\n\n"
            f"À bientôt{NNBSP}!"
        )
        assert f"Bonjour Claire Martin{NNBSP}!" in mail.html
        assert f"À bientôt{NNBSP}!" in mail.html
        # One line in the client's list of mails, and what the school searches its sent mail for: as typed.
        assert mail.subject == "Votre demande DEM-2026-00042 : bien reçue"

    def test_a_value_filled_in_is_left_as_the_client_wrote_it(self, school):
        typed_by_the_school(school, "fr", subject="Merci", body="Bonjour {client_name} !", signature="")

        mail = acknowledgement(school, "fr", client_name="Claire ? Martin")

        assert mail.text.startswith(f"Bonjour Claire ? Martin{NNBSP}!")

    def test_her_apostrophes_become_typographic_but_not_an_address_or_the_clients_name(self, school):
        typed_by_the_school(
            school,
            "fr",
            subject="L'équipe vous répond",
            body="Bonjour {client_name}, c'est noté pour aujourd'hui.",
            signature="L'équipe — écrivez à o'brien@esf-exemple.fr",
        )

        mail = acknowledgement(school, "fr", client_name="Siobhan O'Neill")

        assert mail.text.startswith(
            f"Bonjour Siobhan O'Neill, c{RSQUO}est noté pour aujourd{RSQUO}hui.\n\n"
            f"L{RSQUO}équipe — écrivez à o'brien@esf-exemple.fr"
        )
        assert f"c{RSQUO}est noté" in mail.html
        assert '<a href="mailto:o%27brien@esf-exemple.fr">o&#x27;brien@esf-exemple.fr</a>' in mail.html
        assert mail.subject == "L'équipe vous répond"

    def test_an_english_mail_is_sent_as_typed(self, school):
        typed_by_the_school(
            school, "en", subject="Thanks", body="Hello {client_name} ! Questions ? We'll see.", signature="Bye !"
        )

        mail = acknowledgement(school, "en")

        assert mail.text.startswith("Hello Claire Martin ! Questions ? We'll see.\n\nBye !")
