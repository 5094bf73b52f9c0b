"""The E-mails page of a client e-mail refused for good: what it means, and the way to the dossier's Client panel.

The server's own answer stays on the page for whoever needs it (an operator); the secretary reads what it
means in her language, and goes to the Client panel where she corrects the address and sends it again.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from msem.inquiries.models import InquiryEvent
from msem.mailing.models import OutgoingEmail
from tests.backoffice.test_client_email_correction import (
    RIGHT,
    TYPO,
    USER_UNKNOWN,
    dossier_url,
    refused,
    speaking,
)
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def email_page(client, school, email: OutgoingEmail) -> str:
    response = client.get(f"/backoffice/{school.slug}/emails/{email.pk}/")
    assert response.status_code == 200
    return unescape(response.content.decode())


WORDS = {
    "fr": (
        "Cette adresse n’existe pas\u00a0: vérifiez-la avec le client (par téléphone si possible), corrigez-la "
        "dans le panneau Client du dossier, puis renvoyez l’e-mail depuis celui-ci.",
        "Ouvrir le panneau Client du dossier {reference}",
    ),
    "en": (
        "This address does not exist: check it with the client (by phone if you can), correct it in the "
        "dossier's Client panel, then send the e-mail again from there.",
        "Open the Client panel of dossier {reference}",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_refused_client_email_says_what_it_means_and_leads_to_the_client_card(
    secretary_client, secretary, school, language
):
    speaking(secretary, language)
    inquiry = receive_inquiry(school, email=TYPO)
    email = refused(inquiry)

    page = email_page(secretary_client, school, email)

    explanation, link = WORDS[language]
    assert explanation in page
    card = dossier_url(school, inquiry) + "#client"
    assert f'<a href="{card}">{link.format(reference=inquiry.reference)}</a>' in page
    # The server's own answer, as it came, for the operator.
    assert USER_UNKNOWN in page


def test_once_the_address_is_corrected_the_page_says_to_send_it_again_from_the_card(
    secretary_client, secretary, school
):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    email = refused(inquiry)
    secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": RIGHT})

    page = email_page(secretary_client, school, email)

    assert "The client's address has been corrected since: send the e-mail again to it." in page
    assert "This address does not exist" not in page
    assert f"Open the Client panel of dossier {inquiry.reference}" in page


def test_once_sent_again_nothing_is_left_to_do_for_the_refused_one(secretary_client, secretary, school):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    email = refused(inquiry)
    secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": RIGHT})
    secretary_client.post(f"{dossier_url(school, inquiry)}emails/{email.pk}/resend/")

    page = email_page(secretary_client, school, email)

    assert "Nothing is left to do for this e-mail: it was sent again since" in page
    assert "#client" not in page
    assert USER_UNKNOWN in page


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("552 5.2.2 Mailbox full", "The client's mailbox is full: send the e-mail again later"),
        ("554 5.7.1 Message rejected as spam", "The client's mail server refused this e-mail for good."),
    ],
)
def test_other_refusals_have_their_own_words_on_the_page(secretary_client, secretary, school, answer, words):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    email = refused(inquiry, answer)

    page = email_page(secretary_client, school, email)

    assert words in page
    assert "This address does not exist" not in page
    assert answer in page


def test_the_list_gives_the_meaning_of_a_client_refusal_in_its_status_and_none_to_the_school(
    secretary_client, secretary, school
):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    refused(inquiry)
    # The notification to the school's own address refused as well: no client is concerned.
    notification = OutgoingEmail.objects.get(school=school, kind=OutgoingEmail.Kind.NOTIFICATION)
    OutgoingEmail.objects.filter(pk=notification.pk).update(status=OutgoingEmail.Status.FAILED, last_error=USER_UNKNOWN)
    assert InquiryEvent.objects.filter(inquiry=inquiry, email=notification).exists()

    html = unescape(secretary_client.get(f"/backoffice/{school.slug}/emails/?status=failed").content.decode())

    statuses = re.findall(r'<span class="delivery delivery-failed"( title="[^"]*")?>Failed</span>', html)
    assert len(statuses) == 2
    assert sorted(statuses) == ["", f' title="{WORDS["en"][0]}"']
    page = email_page(secretary_client, school, notification)
    assert USER_UNKNOWN in page
    assert "This address does not exist" not in page
    assert "Client panel" not in page
