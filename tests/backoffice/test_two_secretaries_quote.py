"""Two secretaries on the same dossier at the Christmas peak: one quote, one payment request reach the client.

Each has the "Cours de ski" panel open; what the first one sends stops the second one's form
(409, who did what and when, nothing sent, her text kept), as the reply form already does.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote
from msem.quotes.services import quote_cancel, quote_create, quote_line_add
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, lesson_day, payment_request, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


def panel(client, inquiry) -> str:
    response = client.get(url("quotes_panel", inquiry.school, reference=inquiry.reference))
    assert response.status_code == 200
    return unescape(response.content.decode())


def form_at(html: str, action: str) -> tuple[str, dict[str, list[str]]]:
    """The form of the panel posting to `action` (its query string kept), as the browser would send it."""
    start = html.index(f'action="{action}')
    start = html.rindex("<form", 0, start)
    end = html.index("</form>", start) + len("</form>")
    chunk = html[start:end]
    return unescape(chunk.split('action="', 1)[1].split('"', 1)[0]), form_data(chunk)


def payment_form(html: str, quote) -> tuple[str, dict[str, list[str]]]:
    return form_at(html, url("payment_request_create", quote.school, quote_id=quote.pk))


def send_form(html: str, quote) -> tuple[str, dict[str, list[str]]]:
    return form_at(html, url("quote_send", quote.school, quote_id=quote.pk))


def emails(kind: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("pk"))


def now_said() -> str:
    return formats.time_format(timezone.localtime(), "TIME_FORMAT")


def said(response) -> str:
    return re.sub(r"[ \t\n]+", " ", unescape(response.content.decode()))  # the no-break spaces kept


class TestPaymentRequests:
    def test_a_colleagues_request_sent_meanwhile_stops_hers_and_keeps_her_text(
        self, secretary, secretary_client, manager, manager_client, school
    ):
        quote = sent_quote(school, manager)
        hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
        theirs_action, theirs = payment_form(panel(manager_client, quote.inquiry), quote)

        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302
        first = PaymentRequest.objects.get()

        stopped = secretary_client.post(
            hers_action,
            flatten(
                hers | {"kind": ["deposit"], "percentage": ["30"], "body": ["Acompte de 30 % svp : {payment_link}"]}
            ),
        )

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a envoyé la demande de paiement {first.reference} à {now_said()}, pendant que "
            "vous aviez ce devis ouvert\u00a0: la vôtre n’est pas partie." in said(stopped)
        )
        assert PaymentRequest.objects.count() == 1
        assert len(emails(OutgoingEmail.Kind.PAYMENT_REQUEST)) == 1
        # Her text waits in the form, which now knows of the colleague's request: sending it replaces it.
        again_page = panel(secretary_client, quote.inquiry)
        assert "Acompte de 30 % svp : {payment_link}" in again_page
        assert f"Remplacer {first.reference} et envoyer la nouvelle demande" in again_page
        action, fields = payment_form(again_page, quote)
        assert secretary_client.post(action, flatten(fields)).status_code == 302
        assert [(r.status, str(r.percentage)) for r in PaymentRequest.objects.order_by("pk")] == [
            ("cancelled", "None"),
            ("pending", "30.00"),
        ]

    def test_a_quote_changed_and_sent_again_meanwhile_stops_her_request(
        self, secretary_client, manager, manager_client, school
    ):
        quote = sent_quote(school, manager)
        hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
        # Her colleague reopens it, adds a lesson (a new price), and sends it again.
        manager_client.post(url("quote_status", school, quote_id=quote.pk), {"action": "reopen"})
        quote_line_add(
            school=school,
            actor=manager,
            quote_id=quote.pk,
            catalog=None,
            product=product_with_price(school, code="PRIV-1H", price="65.00"),
            start_date=lesson_day(),
        )
        theirs_action, theirs = send_form(panel(manager_client, quote.inquiry), quote)
        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a modifié le devis {quote.number} et l’a renvoyé au client à {now_said()}, "
            "pendant que vous l’aviez ouvert\u00a0: votre demande de paiement n’est pas partie." in said(stopped)
        )
        assert not PaymentRequest.objects.exists()
        assert emails(OutgoingEmail.Kind.PAYMENT_REQUEST) == []

    def test_a_quote_cancelled_meanwhile_stops_her_request(self, secretary_client, manager, manager_client, school):
        quote = sent_quote(school, manager)
        hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
        manager_client.post(url("quote_status", school, quote_id=quote.pk), {"action": "cancel"})

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a annulé le devis {quote.number} à {now_said()}, pendant que vous l’aviez "
            "ouvert\u00a0: votre demande de paiement n’est pas partie." in said(stopped)
        )
        assert emails(OutgoingEmail.Kind.PAYMENT_REQUEST) == []

    def test_the_request_she_was_replacing_paid_meanwhile_is_named(
        self, secretary, secretary_client, manager, manager_client, school
    ):
        quote = sent_quote(school, manager)
        waiting = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
        manager_client.post(
            url("payment_request_action", school, payment_request_id=waiting.pk),
            {"action": "transfer", "received_on": timezone.localdate().isoformat(), "bank_reference": "VIR 9"},
        )

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert f"{manager.full_name} a enregistré le paiement de {waiting.reference} à {now_said()}." in said(stopped)
        assert "n’attend plus le paiement (payée ou annulée entre-temps)\u00a0: rien n’est parti." in said(stopped)
        assert PaymentRequest.objects.count() == 1

    def test_in_english(self, secretary, secretary_client, manager, manager_client, school):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        quote = sent_quote(school, manager)
        hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
        theirs_action, theirs = payment_form(panel(manager_client, quote.inquiry), quote)
        manager_client.post(theirs_action, flatten(theirs))

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        reference = PaymentRequest.objects.get().reference
        assert (
            f"{manager.full_name} sent payment request {reference} at {now_said()}, while you had this quote "
            "open: yours was not sent." in said(stopped)
        )


class TestSendingQuotes:
    def test_two_colleagues_starting_a_quote_at_once_prepare_one_and_it_leaves_once(
        self, secretary, secretary_client, manager, manager_client, school
    ):
        """Both pressed "New quote" for the same request: the second is led to the first's draft (one draft
        per dossier, tests/backoffice/test_two_secretaries_new_quote.py); the one quote reaches the client once."""
        inquiry = receive_inquiry(school)
        new_quote = url("quote_create", school, reference=inquiry.reference)
        theirs_quote = draft_quote(school, manager, inquiry=inquiry)

        led = secretary_client.post(new_quote)

        assert led.status_code == 302
        assert led["Location"].endswith(f"#quote-{theirs_quote.pk}")
        assert list(Quote.objects.filter(inquiry=inquiry)) == [theirs_quote]
        hers_action, hers = send_form(panel(secretary_client, inquiry), theirs_quote)
        theirs_action, theirs = send_form(panel(manager_client, inquiry), theirs_quote)
        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302
        stopped = secretary_client.post(hers_action, flatten(hers | {"body": ["Bonjour, voici mon devis."]}))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a envoyé ce devis ({theirs_quote.number}) au client à {now_said()}, pendant que "
            "vous l’aviez ouvert\u00a0: il est parti une fois, avec son texte." in said(stopped)
        )
        assert len(emails(OutgoingEmail.Kind.QUOTE)) == 1

    def test_the_same_quote_sent_by_a_colleague_meanwhile_leaves_once(
        self, secretary_client, manager, manager_client, school
    ):
        quote = draft_quote(school, manager)
        hers_action, hers = send_form(panel(secretary_client, quote.inquiry), quote)
        theirs_action, theirs = send_form(panel(manager_client, quote.inquiry), quote)
        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a envoyé ce devis ({quote.number}) au client à {now_said()}, pendant que vous "
            "l’aviez ouvert\u00a0: il est parti une fois, avec son texte." in said(stopped)
        )
        assert len(emails(OutgoingEmail.Kind.QUOTE)) == 1

    def test_her_draft_cancelled_and_a_colleagues_quote_sent_meanwhile_is_said_without_bidding_her_send_it(
        self, secretary, secretary_client, manager, manager_client, school
    ):
        """With one draft per dossier, a colleague's quote can leave while hers is open only once hers was
        cancelled: "send yours if it is still needed" bade her send a quote that can no longer leave."""
        hers_quote = draft_quote(school, secretary)
        inquiry = hers_quote.inquiry
        hers_action, hers = send_form(panel(secretary_client, inquiry), hers_quote)
        quote_cancel(school=school, actor=manager, quote_id=hers_quote.pk)
        theirs_quote = draft_quote(school, manager, inquiry=inquiry)
        theirs_action, theirs = send_form(panel(manager_client, inquiry), theirs_quote)
        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} a envoyé le devis {theirs_quote.number} au client à {now_said()}, pendant que vous "
            f"prépariez le vôtre\u00a0: le devis {hers_quote.number}, annulé entre-temps, n’est pas parti. Lisez le "
            "sien dans l’historique." in said(stopped)
        )
        assert "envoyez le vôtre" not in said(stopped)
        assert len(emails(OutgoingEmail.Kind.QUOTE)) == 1

    def test_her_own_quote_sent_earlier_does_not_stop_the_next(self, secretary, secretary_client, school):
        inquiry = receive_inquiry(school)
        first = draft_quote(school, secretary, inquiry=inquiry)
        page = panel(secretary_client, inquiry)
        action, fields = send_form(page, first)
        assert secretary_client.post(action, flatten(fields)).status_code == 302
        # A second quote, an alternative, made from another tab opened before the first was sent.
        second = quote_create(school=school, actor=secretary, inquiry_id=inquiry.pk)
        quote_line_add(
            school=school,
            actor=secretary,
            quote_id=second.pk,
            catalog=None,
            product=product_with_price(school),
            start_date=lesson_day(),
        )
        fields["seen"] = [re.search(r'name="seen" value="(\d*)"', page)[1]]
        response = secretary_client.post(url("quote_send", school, quote_id=second.pk), flatten(fields))
        assert response.status_code == 302
        assert len(emails(OutgoingEmail.Kind.QUOTE)) == 2

    def test_in_english(self, secretary, secretary_client, manager, manager_client, school):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        quote = draft_quote(school, manager)
        hers_action, hers = send_form(panel(secretary_client, quote.inquiry), quote)
        theirs_action, theirs = send_form(panel(manager_client, quote.inquiry), quote)
        manager_client.post(theirs_action, flatten(theirs))

        stopped = secretary_client.post(hers_action, flatten(hers))

        assert stopped.status_code == 409
        assert (
            f"{manager.full_name} sent this quote ({quote.number}) to the client at {now_said()}, while you had it "
            "open: it left once, with their text." in said(stopped)
        )


def test_a_payment_request_double_clicked_is_stopped_without_blaming_a_colleague(secretary, secretary_client, school):
    quote = sent_quote(school, secretary)
    action, fields = payment_form(panel(secretary_client, quote.inquiry), quote)
    assert secretary_client.post(action, flatten(fields)).status_code == 302

    again = secretary_client.post(action, flatten(fields))

    assert again.status_code == 409
    reference = PaymentRequest.objects.get().reference
    assert (
        f"La demande de paiement {reference} attend déjà le paiement (envoyée à l’instant, par vous ou un collègue)"
        in said(again)
    )
    assert len(emails(OutgoingEmail.Kind.PAYMENT_REQUEST)) == 1


def test_a_form_refused_for_a_typing_mistake_still_stops_on_a_colleagues_request_sent_meanwhile(
    secretary_client, manager, manager_client, school
):
    """Corrected and sent again, her form is still the one she opened before her colleague's request left."""
    quote = sent_quote(school, manager)
    hers_action, hers = payment_form(panel(secretary_client, quote.inquiry), quote)
    theirs_action, theirs = payment_form(panel(manager_client, quote.inquiry), quote)
    assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302

    # A deposit asked, its percentage forgotten: refused by the form, said at the quote, her text kept.
    forgotten = secretary_client.post(
        hers_action, flatten(hers | {"kind": ["deposit"], "body": ["Acompte de 30 % : {payment_link}"]})
    )
    assert forgotten.status_code == 302
    corrected_page = panel(secretary_client, quote.inquiry)
    assert "Acompte de 30 % : {payment_link}" in corrected_page
    action, fields = payment_form(corrected_page, quote)
    stopped = secretary_client.post(action, flatten(fields | {"percentage": ["30"]}))

    assert stopped.status_code == 409
    assert PaymentRequest.objects.count() == 1
    assert len(emails(OutgoingEmail.Kind.PAYMENT_REQUEST)) == 1


TAMPERED = ["abc", "-1", "1.5", "99999999999999999999"]


@pytest.mark.parametrize("seen", TAMPERED)
def test_a_tampered_send_marker_is_refused_in_her_words_and_her_text_waits(secretary_client, secretary, school, seen):
    quote = draft_quote(school, secretary)
    action, fields = send_form(panel(secretary_client, quote.inquiry), quote)

    refused = secretary_client.post(
        action, flatten(fields | {"body": ["Bonjour, 120 €."], "seen": [seen]}), follow=True
    )

    assert (
        "Votre devis n’est pas parti\u00a0: cette page ne disait plus quels devis au client vous aviez vus. "
        "Relisez l’historique, puis envoyez de nouveau le devis." in said(refused)
    )
    assert "Seen" not in said(refused)
    assert emails(OutgoingEmail.Kind.QUOTE) == []
    # Her text waits in the form, with the page's own marker: sent again, once she has read it, it goes.
    again = panel(secretary_client, quote.inquiry)
    assert "Bonjour, 120 €." in again
    action, fields = send_form(again, quote)
    assert fields["seen"] != [seen]
    assert secretary_client.post(action, flatten(fields)).status_code == 302
    assert len(emails(OutgoingEmail.Kind.QUOTE)) == 1


def test_a_tampered_send_marker_in_the_preview_is_said_in_her_words_in_english(secretary, secretary_client, school):
    secretary.language = "en"
    secretary.save(update_fields=["language"])
    quote = draft_quote(school, secretary)
    _action, fields = send_form(panel(secretary_client, quote.inquiry), quote)

    preview = secretary_client.post(
        url("quote_send_preview", school, quote_id=quote.pk),
        flatten(fields | {"seen": ["-1"]}),
        headers={"HX-Request": "true"},
    )

    assert preview.status_code == 422
    assert (
        "Your quote is not sent: this page no longer said which quotes to the client you had seen. Read the "
        "timeline, then send the quote again." in said(preview)
    )
    assert "greater than or equal" not in said(preview)
    assert 'name="seen" value="-1"' not in said(preview)


@pytest.mark.parametrize("marker", ["version", "replaces"])
@pytest.mark.parametrize("value", TAMPERED)
def test_a_tampered_payment_request_marker_is_refused_in_her_words_and_her_text_waits(
    secretary_client, secretary, school, marker, value
):
    quote = sent_quote(school, secretary)
    action, fields = payment_form(panel(secretary_client, quote.inquiry), quote)

    refused = secretary_client.post(action, flatten(fields | {"body": ["Acompte : {payment_link}"], marker: [value]}))

    page = secretary_client.get(refused["Location"])
    assert (
        "Votre demande de paiement n’est pas partie\u00a0: cette page ne disait plus quelle version du devis et "
        "quelle demande en attente vous aviez vues. Relisez le devis et ses demandes ci-dessous, puis envoyez de "
        "nouveau votre demande." in said(page)
    )
    assert not PaymentRequest.objects.exists()
    again = panel(secretary_client, quote.inquiry)
    assert "Acompte : {payment_link}" in again
    action, fields = payment_form(again, quote)
    assert secretary_client.post(action, flatten(fields)).status_code == 302
    assert PaymentRequest.objects.get().status == "pending"
