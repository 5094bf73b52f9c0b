"""The back office's page of an outgoing e-mail: its HTML part, whole and sandboxed."""

from __future__ import annotations

import re

import pytest

from msem.inquiries.dossier import inquiry_reply
from msem.inquiries.models import InquiryEvent
from msem.mailing import services as mailing_services
from msem.mailing.models import MailKind, OutgoingEmail
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


FOOTER = "Mentions légales : ESF Val Neige, SIRET 123 456 789 00012, médiateur de la consommation CM2C."
# A French e-mail keeps « : » with the word before it (mail_compose): the typed space is sent as a no-break one.
FOOTER_AS_SENT = FOOTER.replace(" :", "\u00a0:")


@pytest.fixture
def reply(school, secretary) -> OutgoingEmail:
    school.legal_footer_fr = FOOTER
    school.save(update_fields=["legal_footer_fr"])
    inquiry = receive_inquiry(school, first_name="Ana", last_name="Lopez")
    return inquiry_reply(
        school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Vos cours", body="Bonjour,\n\nVoici nos prix."
    )


LINK = {"fr": "Ouvrir dans un nouvel onglet", "en": "Open in a new tab"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_html_part_opens_in_its_own_tab_and_stays_sandboxed_in_the_page(
    secretary_client, school, secretary, reply, language
):
    link = LINK[language]
    secretary.language = language
    secretary.save(update_fields=["language"])
    html_url = f"/backoffice/{school.slug}/emails/{reply.pk}/html/"
    page = secretary_client.get(f"/backoffice/{school.slug}/emails/{reply.pk}/").content.decode()

    # The preview: the sandboxed frame, in the box that takes the window's height and can be dragged taller.
    frame = re.search(r'<div class="email-frame-box">\s*(<iframe [^>]*>)</iframe>\s*</div>', page)
    assert frame is not None
    assert f'src="{html_url}"' in frame.group(1)
    assert " sandbox " in frame.group(1)
    # The whole message, legal footer included, one click away in a tab of its own.
    assert f'<a class="btn btn-secondary btn-small" href="{html_url}" target="_blank" rel="noopener">{link}</a>' in page

    part = secretary_client.get(html_url)
    assert part["Content-Security-Policy"].endswith("; sandbox")  # opened in a tab, still no script and no origin
    assert "default-src 'none'" in part["Content-Security-Policy"]
    assert FOOTER_AS_SENT in part.content.decode()


def test_an_email_without_html_part_has_no_preview(secretary_client, school, reply):
    OutgoingEmail.objects.filter(pk=reply.pk).update(html_body="")
    page = secretary_client.get(f"/backoffice/{school.slug}/emails/{reply.pk}/").content.decode()
    assert "email-frame" not in page
    assert "/html/" not in page


def test_an_email_of_a_dossier_links_to_it_and_a_test_email_to_none(secretary_client, school, secretary, reply):
    dossier = InquiryEvent.objects.get(email=reply).inquiry
    page = secretary_client.get(f"/backoffice/{school.slug}/emails/{reply.pk}/").content.decode()
    assert (
        f'<dt>Dossier</dt><dd><a href="/backoffice/{school.slug}/inquiries/{dossier.reference}/">'
        f"{dossier.reference}</a> · Ana Lopez</dd>"
    ) in page

    test_email = mailing_services.test_email_queue(
        school=school,
        recipient=secretary.email,
        kind=MailKind.QUOTE,
        language="fr",
        subject="Votre devis",
        body="Bonjour,",
        signature="",
    )
    page = secretary_client.get(f"/backoffice/{school.slug}/emails/{test_email.pk}/").content.decode()
    assert "<dt>Dossier</dt>" not in page
