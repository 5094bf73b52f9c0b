"""A client mistyped her address: the dossier says the e-mail was refused, the secretary corrects it and sends again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.search import normalize
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db

TYPO = "claire.martin@gmial.com"
RIGHT = "claire.martin@gmail.com"
USER_UNKNOWN = "550 5.1.1 <claire.martin@gmial.com>: Recipient address rejected: User unknown"


def dossier_url(school, inquiry) -> str:
    return f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/"


def acknowledgement(inquiry) -> OutgoingEmail:
    return OutgoingEmail.objects.get(school=inquiry.school, kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT, to_email=TYPO)


def refused(inquiry, answer: str = USER_UNKNOWN) -> OutgoingEmail:
    """The acknowledgement refused for good, as the outbox leaves it after a 5xx answer."""
    email = acknowledgement(inquiry)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED, last_error=answer)
    email.refresh_from_db()
    return email


def speaking(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


NOTICE = {
    "fr": ("Accusé de réception\u00a0: e-mail non délivré à claire.martin@gmial.com", "Cette adresse n’existe pas"),
    "en": ("Acknowledgement of receipt not delivered to claire.martin@gmial.com", "This address does not exist"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dossier_says_the_email_was_refused_and_why(secretary_client, secretary, school, language):
    speaking(secretary, language)
    inquiry = receive_inquiry(school, email=TYPO)
    refused(inquiry)

    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()

    headline, explanation = NOTICE[language]
    assert headline in page
    assert explanation in page
    assert "5.1.1" in page  # the server's own answer, for whoever needs it
    # Not sent again to the address that does not exist: the address is to be corrected first.
    assert "/resend/" not in page


@pytest.mark.parametrize(
    ("answer", "english"),
    [
        ("552 5.2.2 Mailbox full", "The client's mailbox is full"),
        ("554 5.7.1 Message rejected as spam", "refused this e-mail for good"),
    ],
)
def test_a_full_mailbox_and_other_refusals_have_their_own_words(secretary_client, secretary, school, answer, english):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    refused(inquiry, answer)

    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()

    assert english.replace("'", "&#x27;") in page
    assert "This address does not exist" not in page


def test_a_delivered_acknowledgement_says_nothing(secretary_client, secretary, school):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)

    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()

    assert "not delivered" not in page


@pytest.mark.parametrize(
    "typed", ["claire.martin@", "claire martin@gmail.com", "claire.martin@gmail.com\r\nBcc: x@evil.test", ""]
)
def test_a_bad_address_is_refused_and_nothing_is_stored(secretary_client, secretary, school, typed):
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    events = InquiryEvent.objects.filter(inquiry=inquiry).count()

    response = secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": typed})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid e-mail address." in page or "Write the client&#x27;s correct address." in page
    inquiry.refresh_from_db()
    assert inquiry.email == TYPO
    assert InquiryEvent.objects.filter(inquiry=inquiry).count() == events


def test_the_french_error_is_in_french(secretary_client, secretary, school):
    speaking(secretary, "fr")
    inquiry = receive_inquiry(school, email=TYPO)

    response = secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": "claire@"})

    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_corrected_address_is_the_dossiers_with_who_changed_it_in_the_timeline(
    secretary_client, secretary, school, language
):
    speaking(secretary, language)
    inquiry = receive_inquiry(school, email=TYPO)

    response = secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": f" {RIGHT} "})

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.email == RIGHT
    # The inbox's search finds the dossier by its new address.
    assert normalize(RIGHT) in inquiry.search_text
    assert normalize(TYPO) not in inquiry.search_text
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED)
    assert (event.actor, event.data) == (secretary, {"before": TYPO, "after": RIGHT})
    page = secretary_client.get(response["Location"]).content.decode()
    label = {"fr": "Adresse e-mail du client corrigée\u00a0:", "en": "Client&#x27;s e-mail address corrected:"}
    assert f"{label[language]} {TYPO} → {RIGHT}" in page


def test_the_refused_email_goes_again_to_the_corrected_address_through_a_real_mail_server(
    secretary_client, secretary, school, smtp_server
):
    speaking(secretary, "en")
    smtp_server.handler.data_answer = USER_UNKNOWN
    inquiry = receive_inquiry(school, email=TYPO)
    outbox_deliver(time_budget=10)
    failed = acknowledgement(inquiry)
    assert (failed.status, failed.last_error) == (OutgoingEmail.Status.FAILED, USER_UNKNOWN)

    secretary_client.post(dossier_url(school, inquiry) + "client-email/", {"email": RIGHT})
    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()
    resend_url = f"{dossier_url(school, inquiry)}emails/{failed.pk}/resend/"
    assert f'action="{resend_url}' in page
    assert f"Send it again to {RIGHT}" in page
    assert "address has been corrected since: send the e-mail again to it." in page
    assert "This address does not exist" not in page

    response = secretary_client.post(resend_url)

    assert response.status_code == 302
    smtp_server.handler.data_answer = None
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())
    outbox_deliver(time_budget=10)
    [received] = [message for message in smtp_server.handler.received if RIGHT in message.recipients]
    assert received.message["Subject"] == failed.subject
    assert received.text.replace("\r\n", "\n") == failed.text_body
    again = OutgoingEmail.objects.get(to_email=RIGHT)
    assert again.status == OutgoingEmail.Status.SENT
    event = InquiryEvent.objects.get(email=again)
    assert (event.actor, event.data["resent_from"]) == (secretary, failed.pk)
    # Sent again, the refusal is no longer waiting on the dossier, and cannot be sent twice.
    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()
    assert "not delivered" not in page
    assert secretary_client.post(resend_url).status_code == 409
    assert OutgoingEmail.objects.filter(to_email=RIGHT).count() == 1


def test_another_schools_dossier_is_404_and_untouched(manager_client, other_school):
    theirs = receive_inquiry(other_school, email=TYPO)
    email = refused(theirs)
    before = list(Inquiry.objects.filter(pk=theirs.pk).values())
    url = f"/backoffice/{other_school.slug}/inquiries/{theirs.reference}/"

    assert manager_client.post(url + "client-email/", {"email": RIGHT}).status_code == 404
    assert manager_client.post(f"{url}emails/{email.pk}/resend/").status_code == 404

    assert list(Inquiry.objects.filter(pk=theirs.pk).values()) == before
    assert OutgoingEmail.objects.filter(to_email=RIGHT).count() == 0
    assert not InquiryEvent.objects.filter(inquiry=theirs, kind=InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED).exists()
