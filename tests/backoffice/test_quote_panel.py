"""The "Cours de ski" panel of the dossier page over HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.platform.first_of_month import date_format
from msem.quotes.models import Quote, QuoteLine
from msem.sales.models import Sale
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import catalog, draft_quote, lesson_day, payment_request, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


class TestPanel:
    def test_the_panel_offers_the_public_list_and_the_schools_catalogs(self, secretary_client, school):
        catalog(school)
        inquiry = receive_inquiry(school)
        secretary_client.post(url("quote_create", school, reference=inquiry.reference))
        page = page_text(secretary_client.get(url("quotes_panel", school, reference=inquiry.reference)))
        assert "Public price list" in page or "Tarif public" in page
        assert "TO-NEIGE-2026 — Neige & Soleil Voyages" in page
        assert Quote.objects.get().status == "draft"

    def test_the_product_search_lists_the_chosen_lists_products_on_the_day(self, secretary, secretary_client, school):
        tour_operator = catalog(school)
        product_with_price(school, code="PUBLIC-1", name_fr="Cours collectif Ourson")
        product_with_price(school, code="EXCL-1", name_fr="Journée hors-piste privée", catalog=tour_operator)
        quote = draft_quote(school, secretary, lines=[])
        search = url("quote_products", school, quote_id=quote.pk)
        public = page_text(
            secretary_client.get(search, {"price_list": "public", "start_date": lesson_day().isoformat()})
        )
        assert "Cours collectif Ourson" in public
        assert "Journée hors-piste privée" not in public
        exclusive = page_text(
            secretary_client.get(search, {"price_list": str(tour_operator.pk), "search": "hors-piste"})
        )
        assert "Journée hors-piste privée" in exclusive
        assert "Cours collectif Ourson" not in exclusive

    def test_an_empty_price_list_says_it_is_empty_not_that_nothing_is_sold_that_day(
        self, secretary, secretary_client, school
    ):
        quote = draft_quote(school, secretary, lines=[])
        search = url("quote_products", school, quote_id=quote.pk)

        empty = page_text(
            secretary_client.get(search, {"price_list": "public", "start_date": lesson_day().isoformat()})
        )
        product_with_price(school)
        another_day = page_text(secretary_client.get(search, {"price_list": "public", "start_date": "2030-07-14"}))

        catalogs = url("catalogs", school)
        assert (
            f"«\u00a0Tarif public\u00a0» n’a encore aucune prestation. Un responsable de l’école le remplit "
            f'depuis la page <a href="{catalogs}">Catalogues</a>, à partir d’un fichier.'
        ) in empty
        assert "Aucune prestation de «\u00a0Tarif public\u00a0» n’est vendue le 14\u00a0juil.\u00a02030." in another_day

    @pytest.mark.parametrize(
        ("language", "button"),
        [("fr", "Ajouter Cours collectif Flocon — 6 matinées"), ("en", "Add Group lesson Flocon — 6 mornings")],
    )
    def test_each_add_button_names_its_product_in_the_back_offices_language(
        self, secretary, secretary_client, school, language, button
    ):
        """QA: in English, a screen reader heard "Add Cours collectif Flocon…" under "Group lesson Flocon"."""
        secretary.language = language
        secretary.save(update_fields=["language"])
        product_with_price(school)
        quote = draft_quote(school, secretary, lines=[])
        products = page_text(
            secretary_client.get(
                url("quote_products", school, quote_id=quote.pk),
                {"price_list": "public", "start_date": lesson_day().isoformat()},
            )
        )
        assert f'aria-label="{button}"' in products

    def test_adding_a_line_with_the_forms_values(self, secretary, secretary_client, school):
        product = product_with_price(school)
        quote = draft_quote(school, secretary, lines=[])
        response = secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk),
            {
                "price_list": "public",
                "product": product.pk,
                "start_date": lesson_day().isoformat(),
                "participants": 3,
                "quantity": 1,
            },
        )
        assert response.status_code == 302
        line = quote.lines.get()
        assert response["Location"].endswith(f"#line-{line.pk}")  # at the line just added, for the keyboard
        assert (line.participants, str(line.total)) == (3, "567.00")

    @pytest.mark.parametrize(
        "changes",
        [
            {"participants": "0"},
            {"quantity": "-2"},
            {"start_date": (timezone.localdate() - timedelta(days=1)).isoformat()},
            {"start_date": "31/02/2027"},
            {"price_list": "999999"},
            {"product": "999999"},
        ],
    )
    def test_bad_lines_are_refused_with_a_message_and_nothing_stored(
        self, secretary, secretary_client, school, changes
    ):
        product = product_with_price(school)
        quote = draft_quote(school, secretary, lines=[])
        data = {
            "price_list": "public",
            "product": product.pk,
            "start_date": lesson_day().isoformat(),
            "participants": 1,
            "quantity": 1,
        } | changes
        response = secretary_client.post(url("quote_line_add", school, quote_id=quote.pk), data)
        assert response["Location"].endswith(f"#add-line-{quote.pk}")
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "Cette prestation n’a pas été ajoutée\u00a0:" in panel  # next to the add form, not in the banner
        assert not quote.lines.exists()

    def test_a_product_of_another_school_cannot_be_added(self, secretary, secretary_client, school, other_school):
        foreign = product_with_price(other_school)
        quote = draft_quote(school, secretary, lines=[])
        secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk),
            {
                "price_list": "public",
                "product": foreign.pk,
                "start_date": lesson_day().isoformat(),
                "participants": 1,
                "quantity": 1,
            },
        )
        assert not quote.lines.exists()

    def test_send_pressed_twice_sends_once_and_says_so(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        mail = {"subject": "Votre devis {quote_number}", "body": "Bonjour {client_name},\n\nVoici notre devis."}
        first = secretary_client.post(url("quote_send", school, quote_id=quote.pk), mail)
        second = secretary_client.post(url("quote_send", school, quote_id=quote.pk), mail, follow=True)

        assert first.status_code == 302
        page = page_text(second)
        assert f"Le devis {quote.number} est parti à " in page
        assert "il n’a été envoyé qu’une fois." in page
        assert "ne peut pas passer" not in page
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).count() == 1

    def test_send_then_ask_for_a_deposit_then_record_the_transfer(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        secretary_client.post(
            url("quote_send", school, quote_id=quote.pk),
            {"subject": "Votre devis {quote_number}", "body": "Bonjour {client_name},\n\nVoici notre devis."},
        )
        quote.refresh_from_db()
        assert quote.status == "sent"
        secretary_client.post(
            url("payment_request_create", school, quote_id=quote.pk),
            {
                "kind": "deposit",
                "percentage": "30",
                "valid_days": "7",
                "subject": "Acompte",
                "body": "Merci de régler {amount} : {payment_link}",
            },
        )
        request = PaymentRequest.objects.get()
        assert str(request.amount) == "113.40"
        secretary_client.post(
            url("payment_request_action", school, payment_request_id=request.pk),
            {"action": "transfer", "received_on": timezone.localdate().isoformat(), "bank_reference": "VIR 123"},
        )
        payment = Payment.objects.get()
        assert (payment.provider, payment.recorded_by) == ("bank_transfer", secretary)
        page = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "264,60" in page  # left to pay

    def test_remind_the_client_of_a_sent_quote(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        dossier = url("inquiry", school, reference=quote.inquiry.reference)
        panel = url("quotes_panel", school, reference=quote.inquiry.reference)
        assert "Relancer le client" in page_text(secretary_client.get(panel))

        response = secretary_client.post(url("quote_status", school, quote_id=quote.pk), {"action": "remind"})
        again = secretary_client.post(url("quote_status", school, quote_id=quote.pk), {"action": "remind"})

        assert response.status_code == again.status_code == 302
        page = page_text(secretary_client.get(dossier))
        assert f"La relance part vers {quote.inquiry.email}." in page
        assert "Une relance de ce devis vient de partir." in page  # the double click sent nothing
        assert f"Devis {quote.number} : relance envoyée" in " ".join(page.split())  # in the timeline
        assert "Client relancé une fois, le " in page_text(secretary_client.get(panel))
        assert Quote.objects.get(pk=quote.pk).reminders_sent == 1

    def test_no_reminder_for_a_draft(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        assert "Relancer le client" not in page_text(
            secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference))
        )
        secretary_client.post(url("quote_status", school, quote_id=quote.pk), {"action": "remind"})
        page = page_text(secretary_client.get(url("inquiry", school, reference=quote.inquiry.reference)))
        assert "Seul un devis envoyé et pas encore accepté peut être relancé." in page
        assert Quote.objects.get(pk=quote.pk).reminders_sent == 0

    def test_a_transfer_in_the_future_is_refused(self, secretary, secretary_client, school):
        request = payment_request(school, secretary, sent_quote(school, secretary))
        secretary_client.post(
            url("payment_request_action", school, payment_request_id=request.pk),
            {
                "action": "transfer",
                "received_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "bank_reference": "VIR",
            },
        )
        assert not Payment.objects.exists()
        assert not Sale.objects.exists()

    def test_the_dossier_page_stays_within_its_query_budget(
        self, secretary, secretary_client, school, django_assert_max_num_queries
    ):
        quote = sent_quote(school, secretary)
        payment_request(school, secretary, quote)
        inquiry = quote.inquiry
        secretary_client.get(url("inquiry", school, reference=inquiry.reference))
        with django_assert_max_num_queries(10):
            secretary_client.get(url("inquiry", school, reference=inquiry.reference))
        with django_assert_max_num_queries(10):
            secretary_client.get(url("quotes_panel", school, reference=inquiry.reference))


class TestIrreversibleActions:
    """Cancelling or reopening a quote asks first (data-confirm) and says what it did."""

    def test_the_buttons_say_what_cannot_be_undone_before_acting(self, secretary, secretary_client, school):
        sent = sent_quote(school, secretary)
        payment_request(school, secretary, sent)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=sent.inquiry.reference)))
        assert f'data-confirm="Annuler le devis {sent.number}\u202f? C’est définitif\u00a0: ses liens cessent' in panel
        assert f'data-confirm="Modifier le devis {sent.number}\u202f? Les liens que le client a déjà' in panel
        assert f'data-confirm="Annuler la demande de paiement {sent.number}-P1\u202f?' in panel
        draft = draft_quote(school, secretary)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=draft.inquiry.reference)))
        assert f'data-confirm="Annuler le devis {draft.number}\u202f?' in panel

    def test_cancelling_says_so(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        response = secretary_client.post(
            url("quote_status", school, quote_id=quote.pk), {"action": "cancel"}, follow=True
        )
        assert f"Le devis {quote.number} est annulé." in page_text(response)
        assert Quote.objects.get(pk=quote.pk).status == "cancelled"

    def test_reopening_says_the_links_no_longer_work(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        response = secretary_client.post(
            url("quote_status", school, quote_id=quote.pk), {"action": "reopen"}, follow=True
        )
        assert (
            f"Le devis {quote.number} est de nouveau un brouillon\u00a0: ses liens ne fonctionnent plus."
            in page_text(response)
        )
        assert Quote.objects.get(pk=quote.pk).status == "draft"

    @pytest.mark.parametrize(
        ("action", "timeline"),
        [("reopen", "annulée, son devis rouvert pour être modifié"), ("cancel", "annulée avec son devis")],
    )
    def test_a_quote_reopened_or_cancelled_no_longer_shows_its_request_as_waiting(
        self, secretary, secretary_client, school, action, timeline
    ):
        quote = sent_quote(school, secretary)
        request = payment_request(school, secretary, quote)
        panel = url("quotes_panel", school, reference=quote.inquiry.reference)
        assert "En attente de paiement" in page_text(secretary_client.get(panel))

        secretary_client.post(url("quote_status", school, quote_id=quote.pk), {"action": action})

        # Its link stopped working with the quote: the request says so, not "waiting", nor can it be reminded.
        assert "En attente de paiement" not in page_text(secretary_client.get(panel))
        assert PaymentRequest.objects.get(pk=request.pk).status == "cancelled"
        page = " ".join(
            page_text(secretary_client.get(url("inquiry", school, reference=quote.inquiry.reference))).split()
        )
        assert f"Demande de paiement {request.reference} ({request.amount:.2f}".replace(".", ",") in page
        assert timeline in page

    def test_cancelling_a_payment_request_says_so(self, secretary, secretary_client, school):
        request = payment_request(school, secretary, sent_quote(school, secretary))
        response = secretary_client.post(
            url("payment_request_action", school, payment_request_id=request.pk), {"action": "cancel"}, follow=True
        )
        assert (
            f"La demande de paiement {request.reference} est annulée\u00a0: son lien ne fonctionne plus."
            in page_text(response)
        )
        assert PaymentRequest.objects.get(pk=request.pk).status == "cancelled"


class TestAskingForPaymentAgain:
    """A new payment request replaces the waiting one: said before, asked first, never twice by accident."""

    @staticmethod
    def ask(client, school, quote, replaces=""):
        return client.post(
            url("payment_request_create", school, quote_id=quote.pk),
            {
                "kind": "full",
                "valid_days": "7",
                "subject": "Paiement",
                "body": "Merci de régler {amount} : {payment_link}",
                "replaces": replaces,
            },
            follow=True,
        )

    def test_a_double_click_sends_one_request_and_one_email(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        self.ask(secretary_client, school, quote)
        again = page_text(self.ask(secretary_client, school, quote))  # the same form, a second time

        first = PaymentRequest.objects.get()
        assert first.status == "pending"
        assert OutgoingEmail.objects.filter(kind="payment_request").count() == 1
        assert (
            f"La demande de paiement {first.reference} attend déjà le paiement (envoyée à l’instant, par vous ou "
            "un collègue)\u00a0: celle-ci n’est pas partie." in again
        )

    def test_with_a_request_waiting_the_button_says_it_replaces_it(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert f'<input type="hidden" name="replaces" value="{waiting.pk}">' in panel
        assert (
            f"{waiting.reference} attend le paiement\u00a0: une nouvelle demande la remplace. Le lien que le client a "
            "déjà cesse de fonctionner, et le client reçoit un nouvel e-mail avec le nouveau lien." in panel
        )
        assert f"Remplacer {waiting.reference} et envoyer la nouvelle demande" in panel
        assert f'data-confirm="Remplacer la demande de paiement {waiting.reference}\u202f?' in panel
        assert "Envoyer la demande de paiement" not in panel

    def test_replacing_the_request_seen_works_once(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        # A deposit waiting, replaced by the whole amount (the same amount again is refused: see below).
        waiting = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))
        done = page_text(self.ask(secretary_client, school, quote, replaces=waiting.pk))
        self.ask(secretary_client, school, quote, replaces=waiting.pk)  # a double click

        assert [(r.reference, r.status) for r in PaymentRequest.objects.order_by("id")] == [
            (waiting.reference, "cancelled"),
            (f"{quote.number}-P2", "pending"),
        ]
        assert OutgoingEmail.objects.filter(kind="payment_request").count() == 1
        assert f"{waiting.reference} ne fonctionne plus." in done

    def test_a_request_paid_meanwhile_is_not_replaced(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))
        secretary_client.post(
            url("payment_request_action", school, payment_request_id=waiting.pk),
            {"action": "transfer", "received_on": timezone.localdate().isoformat(), "bank_reference": "VIR 9"},
        )
        page = page_text(self.ask(secretary_client, school, quote, replaces=waiting.pk))
        assert "n’attend plus le paiement (payée ou annulée entre-temps)\u00a0: rien n’est parti." in page
        assert PaymentRequest.objects.count() == 1
        assert not OutgoingEmail.objects.filter(kind="payment_request").exists()

    def test_the_form_says_what_the_request_waiting_already_asks_before_anything_is_typed(
        self, secretary, secretary_client, school
    ):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))
        day = date_format(timezone.localtime(waiting.expires_at), "DATE_FORMAT")

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))

        assert f"Demander un autre paiement, en remplacement de {waiting.reference}" in panel
        assert (
            f"Reste à payer\u00a0: 378,00\u00a0€, dont 113,40\u00a0€ déjà demandés par {waiting.reference}, en attente "
            f"de paiement jusqu’au {day}. Pour les faire payer, envoyez au client une relance de {waiting.reference} "
            "(ci-dessus)\u202f; ne demandez ici qu’un autre montant." in panel
        )
        assert "Le reste à payer (378,00\u00a0€)" in panel
        assert ">Demander un paiement<" not in panel

    def test_the_same_money_asked_again_is_refused_and_the_waiting_request_named(
        self, secretary, secretary_client, school
    ):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)  # the whole amount, waiting
        day = date_format(timezone.localtime(waiting.expires_at), "DATE_FORMAT")

        page = page_text(self.ask(secretary_client, school, quote, replaces=waiting.pk))

        assert (
            f"La demande de paiement {waiting.reference} demande déjà 378,00\u00a0€ et attend le paiement jusqu’au "
            f"{day}\u00a0: rien n’est parti, le client serait sollicité deux fois pour la même somme." in page
        )
        assert [(r.reference, r.status) for r in PaymentRequest.objects.all()] == [(waiting.reference, "pending")]
        assert not OutgoingEmail.objects.filter(kind="payment_request").exists()  # (made without its e-mail)
        # Her text waits in the form for another amount.
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "Merci de régler {amount} : {payment_link}" in panel

    def test_the_refusal_says_a_first_of_the_month_the_1er_as_the_form_above_it(
        self, secretary, secretary_client, school
    ):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)  # the whole amount, waiting
        first = timezone.make_aware(datetime(timezone.localdate().year + 1, 1, 1, 12, 0))
        PaymentRequest.objects.filter(pk=waiting.pk).update(expires_at=first)

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        page = page_text(self.ask(secretary_client, school, quote, replaces=waiting.pk))

        day = f"1er\u00a0jan.\u00a0{first.year}"
        assert f"en attente de paiement jusqu’au {day}." in panel
        assert f"attend le paiement jusqu’au {day}\u00a0: rien n’est parti" in page

    def test_with_the_whole_amount_waiting_the_form_offers_a_deposit_first(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)  # the whole amount, waiting

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))

        # "dont 378,00 € déjà demandés" of 378,00 € read as if part of it were asked.
        said = f"Reste à payer\u00a0: 378,00\u00a0€, déjà demandés en totalité par {waiting.reference}, en attente"
        assert said in panel

        assert re.search(r'<input type="radio" name="kind" value="deposit"[^>]*checked', panel)
        assert not re.search(r'<input type="radio" name="kind" value="full"[^>]*checked', panel)

    def test_in_english(self, secretary, secretary_client, school):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        refused = page_text(
            secretary_client.post(
                url("payment_request_create", school, quote_id=quote.pk),
                {
                    "kind": "deposit",
                    "percentage": "30",
                    "valid_days": "7",
                    "subject": "Payment",
                    "body": "{payment_link}",
                    "replaces": waiting.pk,
                },
                follow=True,
            )
        )

        assert f"Ask for another payment, replacing {waiting.reference}" in panel
        assert f"Left to pay: €378.00, of which €113.40 already asked by {waiting.reference}, waiting" in panel
        assert "What is left to pay (€378.00)" in panel
        assert f"Payment request {waiting.reference} already asks for €113.40 and waits for payment until" in refused
        assert PaymentRequest.objects.count() == 1

    def test_a_request_whose_link_expired_is_replaced_by_the_same_amount(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)
        PaymentRequest.objects.filter(pk=waiting.pk).update(expires_at=timezone.now() - timedelta(hours=1))

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        self.ask(secretary_client, school, quote, replaces=waiting.pk)

        assert f"Le lien de {waiting.reference} (378,00\u00a0€) a expiré le" in panel
        # No reminder offered of a link that no longer works: its line says it expired, its badge too (it read
        # « En attente de paiement » beside « lien expiré le … »).
        assert "lien expiré le" in panel
        requests_listed = panel.split('class="payment-request-form"')[0].split("Demandes de paiement")[1]
        assert '<span class="status status-payment-expired">Expirée</span>' in requests_listed
        assert "En attente de paiement" not in requests_listed
        assert 'value="remind"' not in panel.split('class="payment-request-form"')[0].split("Demandes de paiement")[1]
        assert [r.status for r in PaymentRequest.objects.order_by("id")] == ["cancelled", "pending"]

    def test_a_request_whose_link_expired_is_not_said_to_wait_nor_its_link_to_stop_working(
        self, secretary, secretary_client, school
    ):
        quote = sent_quote(school, secretary)
        waiting = payment_request(school, secretary, quote)
        PaymentRequest.objects.filter(pk=waiting.pk).update(expires_at=timezone.now() - timedelta(hours=1))

        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        form = panel[panel.index('class="payment-request-form"') :]

        # "P1 attend le paiement … Le lien que le client a déjà cesse de fonctionner" under "a expiré le …".
        assert f"{waiting.reference} attend le paiement" not in form
        assert "cesse de fonctionner" not in form
        assert (
            f"Le lien de {waiting.reference} a déjà expiré\u00a0: la nouvelle demande la remplace, et le client "
            "reçoit un nouvel e-mail avec le nouveau lien." in form
        )
        assert (
            f'data-confirm="Remplacer la demande de paiement {waiting.reference}\u202f? Son lien a déjà expiré' in form
        )


class TestAddingSeveralLines:
    """The add form starts from the last line added; a line refused comes back as typed, errors beside it."""

    def test_the_next_line_starts_from_the_last_ones_price_list_dates_and_participants(
        self, secretary, secretary_client, school
    ):
        tour_operator = catalog(school)
        product = product_with_price(school, code="PRIV-DAY", catalog=tour_operator)
        quote = draft_quote(school, secretary, lines=[])
        start, end = lesson_day() + timedelta(days=2), lesson_day() + timedelta(days=5)
        secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk),
            {
                "price_list": str(tour_operator.pk),
                "product": product.pk,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "participants": 2,
                "quantity": 3,
            },
        )
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert f'<option value="{tour_operator.pk}" selected>TO-NEIGE-2026' in panel
        assert f'name="start_date" id="start-{quote.pk}" value="{start.isoformat()}"' in panel
        assert f'name="end_date" id="end-{quote.pk}" value="{end.isoformat()}"' in panel
        assert f'name="participants" id="participants-{quote.pk}" value="2"' in panel
        assert f'name="quantity" id="quantity-{quote.pk}" value="1"' in panel  # a quantity is the product's own

    def test_a_line_refused_comes_back_as_typed_with_its_error_beside_the_form(
        self, secretary, secretary_client, school
    ):
        tour_operator = catalog(school)
        product = product_with_price(school, code="PRIV-DAY", catalog=tour_operator)
        quote = draft_quote(school, secretary, lines=[])
        yesterday = timezone.localdate() - timedelta(days=1)
        secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk),
            {
                "price_list": str(tour_operator.pk),
                "product": product.pk,
                "search": "PRIV",
                "start_date": yesterday.isoformat(),
                "participants": 4,
                "quantity": 2,
            },
        )
        dossier = page_text(secretary_client.get(url("inquiry", school, reference=quote.inquiry.reference)))
        assert "La date est passée." not in dossier  # not in the banner at the top, out of sight
        panel_url = url("quotes_panel", school, reference=quote.inquiry.reference)
        panel = page_text(secretary_client.get(panel_url))
        add_form = panel[panel.index(f'id="add-line-{quote.pk}"') :]
        assert "<li>Début\u00a0: La date est passée.</li>" in add_form
        assert f'<option value="{tour_operator.pk}" selected>' in add_form
        assert 'name="search" id="search-' in add_form
        assert 'value="PRIV"' in add_form
        assert f'value="{yesterday.isoformat()}"' in add_form
        assert f'name="participants" id="participants-{quote.pk}" value="4"' in add_form
        assert f'name="quantity" id="quantity-{quote.pk}" value="2"' in add_form
        assert not quote.lines.exists()
        assert "La date est passée." not in page_text(secretary_client.get(panel_url))  # said once


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_deposit_percentage_shows_an_example_not_a_value_typed(secretary, secretary_client, school, language):
    """QA: a grey "30" in the empty field read as a deposit of 30 % already typed in."""
    secretary.language = language
    secretary.save(update_fields=["language"])
    quote = sent_quote(school, secretary)
    panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
    field = re.search(rf'<input type="number" name="percentage" id="percentage-{quote.pk}"[^>]*>', panel)
    assert field is not None
    assert re.search(r'placeholder="([^"]*)"', field[0])[1] == {"fr": "ex. 30", "en": "e.g. 30"}[language]
    assert 'value=""' in field[0]


def test_a_deposit_percentage_takes_two_decimals_like_the_server(secretary, secretary_client, school):
    quote = sent_quote(school, secretary)
    panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
    assert f'name="percentage" id="percentage-{quote.pk}" min="1" max="99" step="0.01"' in panel
    secretary_client.post(
        url("payment_request_create", school, quote_id=quote.pk),
        {
            "kind": "deposit",
            "percentage": "30.5",
            "valid_days": "7",
            "subject": "Acompte",
            "body": "{payment_link}",
            "replaces": "",
        },
    )
    request = PaymentRequest.objects.get()
    assert (str(request.percentage), str(request.amount)) == ("30.50", "115.29")  # 30.5 % of 378.00


@pytest.mark.parametrize(
    ("language", "suffix"), [("fr", "(devis {number})"), ("en", "(quote {number})")], ids=["french", "english"]
)
def test_the_payment_form_says_what_its_subject_line_ends_with(secretary, secretary_client, school, language, suffix):
    """QA: the subject got "(devis DEV-…)" at its end, and only the settings page said so."""
    quote = sent_quote(school, secretary, inquiry=receive_inquiry(school, language=language))
    suffix = suffix.format(number=quote.number)
    panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
    form = panel[panel.index('class="payment-request-form"') :]
    assert f'aria-describedby="pay-subject-hint-{quote.pk}"' in form
    hint = form[form.index(f'id="pay-subject-hint-{quote.pk}">') :]
    # The back office is in French; what the client reads is in his language.
    assert hint.startswith(
        f'id="pay-subject-hint-{quote.pk}">Sans {{quote_number}}, le client reçoit cet objet suivi de'
        f" «\u00a0{suffix}\u00a0».</p>"
    )

    secretary_client.post(
        url("payment_request_create", school, quote_id=quote.pk),
        {"kind": "full", "valid_days": "7", "subject": "Acompte", "body": "{payment_link}", "replaces": ""},
    )
    email = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.PAYMENT_REQUEST).get()
    assert email.subject == f"Acompte {suffix}"


def test_statuses_agree_with_their_noun_in_french(secretary, secretary_client, school):
    """Une demande de paiement « Payée », « Annulée »; un devis « Annulé »."""
    quote = sent_quote(school, secretary, inquiry=receive_inquiry(school))
    replaced = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("20"))
    paid = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))
    secretary_client.post(
        url("payment_request_action", school, payment_request_id=paid.pk),
        {"action": "transfer", "received_on": timezone.localdate().isoformat(), "bank_reference": "VIR 1"},
    )
    panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
    assert '<span class="status status-payment-paid">Payée</span>' in panel
    assert '<span class="status status-payment-cancelled">Annulée</span>' in panel
    assert replaced.reference in panel

    draft = draft_quote(school, secretary)
    secretary_client.post(url("quote_status", school, quote_id=draft.pk), {"action": "cancel"})
    panel = page_text(secretary_client.get(url("quotes_panel", school, reference=draft.inquiry.reference)))
    assert '<span class="status status-quote-cancelled">Annulé</span>' in panel


class TestChangingALine:
    """A line of a draft quote is changed in place: its dates, participants and quantity; its price stays."""

    @staticmethod
    def change(client, school, line, back="", **changes):
        values = {
            "start_date": line.start_date.isoformat(),
            "end_date": line.end_date.isoformat() if line.end_date else "",
            "participants": line.participants,
            "quantity": line.quantity,
        } | changes
        return client.post(url("quote_line", school, line_id=line.pk) + back, values)

    def test_each_line_offers_its_form_filled_with_its_values(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        line = quote.lines.get()
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert f'aria-controls="line-edit-row-{line.pk}" aria-expanded="false">Modifier' in panel
        assert f'<tr class="line-edit-row" id="line-edit-row-{line.pk}" role="row" hidden>' in panel
        assert f'<label for="line-start-{line.pk}">Début</label>' in panel
        assert f'id="line-start-{line.pk}" value="{lesson_day().isoformat()}"' in panel
        assert f'id="line-participants-{line.pk}" value="2"' in panel
        assert f'id="line-quantity-{line.pk}" value="1"' in panel

    def test_the_change_is_saved_and_the_totals_follow(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        line = quote.lines.get()
        start, end = lesson_day() + timedelta(days=1), lesson_day() + timedelta(days=4)
        response = self.change(
            secretary_client,
            school,
            line,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            participants=4,
            quantity=2,
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#line-{line.pk}")  # back at the line changed, not the quote's top
        line.refresh_from_db()
        assert (line.start_date, line.end_date, line.participants, line.quantity) == (start, end, 4, 2)
        assert str(line.total) == "1512.00"  # 189.00 × 4 participants × 2, at the price frozen when added
        dossier = page_text(secretary_client.get(url("inquiry", school, reference=quote.inquiry.reference)))
        assert f"Ligne {line.product_code} modifiée." in dossier
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "1\u202f512,00\u00a0€" in panel
        assert Quote.objects.get(pk=quote.pk).version > quote.version  # payment links made before stop working

    @pytest.mark.parametrize(
        ("changes", "refusal"),
        [
            # What is sent; the error shown, and the field it marks.
            ({"participants": "0"}, ("Participants\u00a0: ", "participants")),
            (
                {"end_date": (lesson_day() - timedelta(days=1)).isoformat()},
                ("Fin\u00a0: La fin est antérieure au début.", "end"),
            ),
            (
                {"start_date": (timezone.localdate() + timedelta(days=300)).isoformat()},
                # Refused by the service (no price that day), not by the form.
                ("n’est pas vendu dans ce catalogue", "start"),
            ),
            ({"quantity": "abc"}, ("Quantité\u00a0: ", "quantity")),
        ],
    )
    def test_a_change_refused_comes_back_beside_its_line_and_changes_nothing(
        self, secretary, secretary_client, school, changes, refusal
    ):
        error, invalid = refusal
        quote = draft_quote(school, secretary)
        line = quote.lines.get()
        back = "?back=" + "status%3Dnew%26q%3Dfavre"
        response = self.change(secretary_client, school, line, back=back, **changes)
        assert response["Location"].endswith(f"?back=f%3D1%26status%3Dnew%26q%3Dfavre#line-edit-{line.pk}")

        dossier = page_text(secretary_client.get(response["Location"]))
        assert error not in dossier  # not in the banner at the top, out of sight
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference) + back))
        row = panel[panel.index(f'id="line-edit-row-{line.pk}"') :]
        row = row[: row.index("</tr>")]
        assert f"La ligne {line.product_code} n’a pas été modifiée\u00a0:" in row
        assert error in row
        for name, value in changes.items():
            assert f'name="{name}" id="line-{name.split("_")[0]}-{line.pk}" value="{value}"' in row
        assert f'aria-describedby="line-errors-{line.pk}"' in row
        # The field in error is marked, and it alone: the browser puts the keyboard there.
        field = row[row.index(f'id="line-{invalid}-{line.pk}"') :]
        assert 'aria-invalid="true"' in field[: field.index(">")]
        assert row.count('aria-invalid="true"') == 1
        assert "?back=f%3D1%26status%3Dnew%26q%3Dfavre" in row  # the way back to the inbox survives
        assert 'aria-expanded="true">Modifier' in panel
        assert f'<tr class="line-edit-row" id="line-edit-row-{line.pk}" role="row">' in panel  # open, not hidden
        add_form = panel[panel.index(f'id="add-line-{quote.pk}"') :]
        assert "n’a pas été ajoutée" not in add_form  # the add form is not the one refused

        stored = quote.lines.get()
        assert (stored.start_date, stored.end_date, stored.participants, stored.quantity) == (
            line.start_date,
            line.end_date,
            line.participants,
            line.quantity,
        )
        again = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert error not in again  # said once
        assert f'<tr class="line-edit-row" id="line-edit-row-{line.pk}" role="row" hidden>' in again

    def test_another_schools_line_is_not_found(self, secretary_client, school, other_school, other_manager):
        foreign = draft_quote(other_school, other_manager).lines.get()
        response = self.change(secretary_client, school, foreign, participants=9)
        assert response.status_code == 404
        assert QuoteLine.objects.get(pk=foreign.pk).participants == 2

    def test_a_sent_quotes_line_cannot_be_changed(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        line = quote.lines.get()
        response = self.change(secretary_client, school, line, participants=5)
        assert response["Location"].endswith(f"#quote-{quote.pk}")
        dossier = page_text(secretary_client.get(response["Location"]))
        assert "Seul un devis en brouillon peut être modifié." in dossier
        assert quote.lines.get().participants == 2
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "line-edit-row" not in panel
        assert "Modifier<span" not in panel


class TestAMailRefusedComesBackAsTyped:
    """QA: a quote's or a payment request's text, rewritten for one client, was lost when refused.

    The panel came back with the school's default text, the deposit's choice and the
    days reset: the secretary had to type it all again. The reason is still said once,
    at the top of the quote.
    """

    def test_a_quote_with_an_unknown_placeholder(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        body = "Bonjour Mme Martin,\n\nVotre moniteur sera {moniteur}, comme l'an dernier.\n\nÀ bientôt"
        dossier = secretary_client.post(
            url("quote_send", school, quote_id=quote.pk),
            {"subject": "Le devis de la famille Martin {quote_number}", "body": body},
            follow=True,
        )
        assert "Variable inconnue\u00a0: {moniteur}." in page_text(dossier)
        panel_url = url("quotes_panel", school, reference=quote.inquiry.reference)
        form = page_text(secretary_client.get(panel_url)).split('class="quote-send"')[1]
        assert 'name="subject" id="send-subject-' in form
        assert 'value="Le devis de la famille Martin {quote_number}"' in form
        assert f">{body}</textarea>" in form
        assert "famille Martin" not in page_text(secretary_client.get(panel_url))  # shown once
        assert Quote.objects.get(pk=quote.pk).status == "draft"

    def test_a_deposit_without_its_amount(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        body = "Bonjour,\n\nPour bloquer les cours du matin : {payment_link}\n\nMerci"
        dossier = secretary_client.post(
            url("payment_request_create", school, quote_id=quote.pk),
            {"kind": "deposit", "percentage": "", "amount": "", "valid_days": "3", "subject": "Acompte", "body": body},
            follow=True,
        )
        assert "Indiquez l’acompte en pourcentage ou en montant (l’un des deux)." in page_text(dossier)
        panel_url = url("quotes_panel", school, reference=quote.inquiry.reference)
        form = page_text(secretary_client.get(panel_url)).split('class="payment-request-form"')[1]
        assert 'value="deposit" id="id_kind_1" required checked' in form
        assert 'value="full" id="id_kind_0" required>' in form
        assert f'name="valid_days" id="days-{quote.pk}" value="3"' in form
        assert 'value="Acompte"' in form
        assert f">{body}</textarea>" in form
        assert not PaymentRequest.objects.exists()

    @pytest.mark.parametrize(
        ("typed", "reason"),
        [
            (("percentage", "150"), "Acompte (%)\u00a0: Assurez-vous que cette valeur est inférieure ou égale à 99."),
            (("amount", "0"), "ou acompte (€)\u00a0: Saisissez un montant d’au moins 0,01\u00a0€."),
        ],
    )
    def test_a_deposit_typed_out_of_bounds_says_only_why(self, secretary, secretary_client, school, typed, reason):
        """QA: 150 % also said "give the deposit as a percentage or as an amount", which she had just done."""
        quote = sent_quote(school, secretary)
        dossier = secretary_client.post(
            url("payment_request_create", school, quote_id=quote.pk),
            {"kind": "deposit", typed[0]: typed[1], "valid_days": "7", "subject": "Acompte", "body": "{payment_link}"},
            follow=True,
        )
        page = page_text(dossier)
        assert reason in page
        assert "l’un des deux" not in page
        assert not PaymentRequest.objects.exists()

    def test_an_amount_typed_comes_back_with_the_reason(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)
        secretary_client.post(
            url("payment_request_create", school, quote_id=quote.pk),
            {"kind": "deposit", "amount": "5000", "valid_days": "7", "subject": "Acompte", "body": "{payment_link}"},
        )
        form = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference))).split(
            'class="payment-request-form"'
        )[1]
        assert f'name="amount" id="amount-{quote.pk}" min="0.01" step="0.01" value="5000"' in form
        percentage = re.search(rf'name="percentage" id="percentage-{quote.pk}"[^>]*>', form)
        assert percentage is not None
        assert 'value=""' in percentage[0]  # the amount typed, not a percentage beside it


class TestAMailRefusedMarksItsFields:
    """QA (keyboard walk): a refused request's reason was said at the top of the quote, its field not marked."""

    @staticmethod
    def marked(panel: str, form_class: str) -> set[str]:
        form = panel.split(f'class="{form_class}"')[1].split("</form>", maxsplit=1)[0]
        return {
            name
            for name, attributes in re.findall(r'<(?:input|textarea)[^>]*name="(\w+)"([^>]*)>', form)
            if 'aria-invalid="true"' in attributes and "messages" in attributes
        }

    def panel(self, client, school, quote) -> str:
        return page_text(client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))

    def test_an_unknown_placeholder_marks_the_text_it_is_in(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        secretary_client.post(
            url("quote_send", school, quote_id=quote.pk), {"subject": "Votre devis", "body": "Moniteur : {moniteur}"}
        )

        assert self.marked(self.panel(secretary_client, school, quote), "quote-send") == {"body"}

    @pytest.mark.parametrize(
        ("typed", "marked"),
        [
            ({"percentage": "", "amount": ""}, {"percentage"}),
            ({"percentage": "150"}, {"percentage"}),
            ({"amount": "5000"}, {"amount"}),  # refused by the service: more than is left to pay
            ({"percentage": "30", "valid_days": "400"}, {"valid_days"}),
        ],
    )
    def test_a_payment_request_refused_marks_the_fields_it_is_about(
        self, secretary, secretary_client, school, typed, marked
    ):
        quote = sent_quote(school, secretary)
        data = {"kind": "deposit", "valid_days": "7", "subject": "Acompte", "body": "{payment_link}"} | typed
        dossier = secretary_client.post(url("payment_request_create", school, quote_id=quote.pk), data, follow=True)

        assert 'id="messages"' in page_text(dossier)
        assert self.marked(self.panel(secretary_client, school, quote), "payment-request-form") == marked
        # Shown once: the panel drawn again has nothing marked.
        assert self.marked(self.panel(secretary_client, school, quote), "payment-request-form") == set()


class TestNoWayToPay:
    """A new school has no IBAN until the platform's administrators add it: without card payments, its
    payment links would only ask the client to contact the school. The panel says so before she sends one."""

    WARNING = "Votre client ne peut pas encore payer par ce lien"

    def test_the_payment_form_says_the_client_could_not_pay_and_who_adds_the_bank_details(
        self, secretary, secretary_client, school, settings
    ):
        settings.MSEM_PAYMENT_SANDBOX = False
        settings.MSEM_STRIPE_SECRET_KEY = ""
        quote = sent_quote(school, secretary)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        form = panel[panel.index('class="payment-request-form"') :]
        assert self.WARNING in form
        assert "les coordonnées bancaires de votre école (IBAN) manquent" in form
        assert "Les administrateurs de la plateforme ajoutent vos coordonnées bancaires" in form

    def test_in_english_the_client_is_them_as_on_the_settings_page(self, secretary, secretary_client, school, settings):
        settings.MSEM_PAYMENT_SANDBOX = False
        settings.MSEM_STRIPE_SECRET_KEY = ""
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        quote = sent_quote(school, secretary)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        form = panel[panel.index('class="payment-request-form"') :]
        # The settings page says "ask them to contact you" of the same clients; "him" was the catalogue's only one.
        assert "so the payment page will only ask them to contact you." in form

    @pytest.mark.parametrize("means", ["iban", "card", "sandbox"])
    def test_nothing_is_said_once_the_client_has_a_way_to_pay(
        self, secretary, secretary_client, school, settings, means
    ):
        settings.MSEM_PAYMENT_SANDBOX = means == "sandbox"
        settings.MSEM_STRIPE_SECRET_KEY = "sk_test_panel" if means == "card" else ""
        settings.MSEM_STRIPE_WEBHOOK_SECRET = "whsec_panel" if means == "card" else ""
        if means == "iban":
            school.iban = "FR7630006000011234567890189"
            school.save(update_fields=["iban"])
        quote = sent_quote(school, secretary)
        panel = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert 'class="payment-request-form"' in panel
        assert self.WARNING not in panel
