"""The client's quote page, its PDF, and the payment page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from msem.payments.links import payment_link_token
from msem.payments.models import Payment
from msem.quotes.models import Quote
from msem.quotes.services import quote_cancel, quote_line_add, quote_reopen, quote_send
from msem.sales.models import Sale
from tests.html_forms import page_text
from tests.quotes.helpers import lesson_day, payment_request, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def quote_url(quote: Quote, language: str = "fr", suffix: str = "") -> str:
    name = "public_site:quote_pdf" if suffix == "pdf" else "public_site:quote"
    return reverse(name, kwargs={"language": language, "school_slug": quote.school.slug, "token": quote.link_token})


def pay_url(request, language="fr", action=""):
    name = f"public_site:pay_{action}" if action else "public_site:pay"
    return reverse(name, kwargs={"language": language, "token": payment_link_token(request)})


class TestQuotePage:
    def test_shows_the_lines_and_total_and_can_be_accepted(self, school, manager):
        quote = sent_quote(school, manager)
        client = Client()
        page = page_text(client.get(quote_url(quote)))
        assert quote.number in page
        assert "Cours collectif Flocon — 6 matinées" in page
        assert "378,00\u00a0€" in page
        response = client.post(quote_url(quote))
        assert response.status_code == 302
        quote.refresh_from_db()
        assert quote.status == Quote.Status.ACCEPTED

    def test_before_accepting_the_client_reads_what_accepting_does(self, school, manager):
        """The page had only "Accepter le devis": nothing said whether it charged the card, or what came next."""
        quote = sent_quote(school, manager)
        french = page_text(Client().get(quote_url(quote)))
        assert (
            "Accepter ne débite rien\u00a0: ESF Val Neige vous enverra ensuite par e-mail un lien pour payer\u202f; "
            "votre réservation est confirmée une fois le devis entièrement payé." in french
        )
        english = page_text(Client().get(quote_url(quote, "en")))
        assert (
            "Accepting charges nothing: ESF Val Neige will then send you a link by e-mail to pay; "
            "your booking is confirmed once the quote is fully paid." in english
        )

    def test_in_english(self, school, manager):
        quote = sent_quote(school, manager)
        page = page_text(Client().get(quote_url(quote, "en")))
        assert "Group lesson Flocon — 6 mornings" in page
        assert "€378.00" in page
        assert "Accept the quote" in page

    def test_the_vat_rate_is_written_as_in_english_and_as_in_french(self, school, manager):
        """ "VAT 20 %" was French typography in English; a rate of 5.5 read "5.50" here and "5,5" in the PDF."""
        quote = sent_quote(school, manager)
        Quote.objects.filter(pk=quote.pk).update(vat_rate=Decimal("5.50"))
        quote.refresh_from_db()

        english = page_text(Client().get(quote_url(quote, "en")))
        french = page_text(Client().get(quote_url(quote)))

        assert "VAT 5.5%" in english
        assert "TVA 5,5 %" in french

    def test_dates_read_as_in_the_clients_email_and_pdf(self, school, manager):
        """Day first in French; the month spelled out in English, where 04/01 could be April."""
        quote = sent_quote(school, manager)
        quote.valid_until = date(2027, 1, 4)
        quote.save(update_fields=["valid_until"])
        line = quote.lines.get()
        day = line.start_date

        french = page_text(Client().get(quote_url(quote)))
        english = page_text(Client().get(quote_url(quote, "en")))

        assert "valable jusqu’au 04/01/2027" in french
        assert day.strftime("%d/%m/%Y") in french
        # The month's name kept with its day and year by no-break spaces (a phone never wraps "4 Jan" from "2027").
        assert "valid until 4\u00a0Jan\u00a02027" in english
        assert f"{day.day}\u00a0{day:%b}\u00a0{day:%Y}" in english
        assert day.strftime("%d/%m/%Y") not in english

    def test_a_wrong_token_or_school_is_a_404(self, school, other_school, manager):
        quote = sent_quote(school, manager)
        wrong = reverse("public_site:quote", kwargs={"language": "fr", "school_slug": school.slug, "token": "x" * 43})
        assert Client().get(wrong).status_code == 404
        other = reverse(
            "public_site:quote", kwargs={"language": "fr", "school_slug": other_school.slug, "token": quote.token}
        )
        assert Client().get(other).status_code == 404

    def test_the_pdf_is_served(self, school, manager):
        quote = sent_quote(school, manager)
        response = Client().get(quote_url(quote, suffix="pdf"))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_a_quote_being_changed_cannot_be_accepted(self, school, manager):
        quote = sent_quote(school, manager)
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        response = Client().post(quote_url(quote))
        assert response.status_code == 400
        quote.refresh_from_db()
        assert quote.status == Quote.Status.DRAFT


def _reopen_and_add_a_line(quote: Quote, manager) -> None:
    quote_reopen(school=quote.school, actor=manager, quote_id=quote.pk)
    quote_line_add(
        school=quote.school,
        actor=manager,
        quote_id=quote.pk,
        catalog=None,
        product=product_with_price(quote.school, code="PRIV-1H", name_fr="Cours particulier 1 h", price="72.00"),
        start_date=lesson_day(),
    )


class TestTheLinkOfAChangedQuote:
    """ "Modifier ce devis (ses liens cessent de fonctionner)": the client's old links show nothing of the draft."""

    def test_a_quote_being_revised_shows_only_that_it_is_being_revised(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        quote = sent_quote(school, manager)
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        page, pdf, pay = quote_url(quote), quote_url(quote, suffix="pdf"), pay_url(deposit, action="sandbox")
        _reopen_and_add_a_line(quote, manager)

        response = Client().get(page)
        french = page_text(response)
        assert response.status_code == 410
        assert "Ce devis est en cours de modification" in french
        assert "vous recevrez le nouveau devis par e-mail" in french
        for draft_content in ("Brouillon", "Cours particulier 1 h", "Cours collectif Flocon", "Payer", "PDF", "€"):
            assert draft_content not in french
        english = page_text(Client().get(quote_url(quote, "en")))
        assert "This quote is being revised" in english
        assert "Group lesson Flocon" not in english

        refused_pdf = Client().get(pdf)
        assert refused_pdf.status_code == 410
        assert not refused_pdf.content.startswith(b"%PDF")
        assert Client().post(pay, {"outcome": "pay"}).status_code == 410
        assert not Payment.objects.exists()

    def test_a_draft_is_not_shown_even_through_its_own_version_or_a_bare_token(self, school, manager):
        quote = sent_quote(school, manager)
        _reopen_and_add_a_line(quote, manager)
        quote.refresh_from_db()
        bare = reverse("public_site:quote", kwargs={"language": "fr", "school_slug": school.slug, "token": quote.token})
        for url in (quote_url(quote), bare):
            assert "Cours particulier 1 h" not in page_text(Client().get(url))

    def test_once_sent_again_the_old_link_points_to_the_new_email_and_the_new_link_works(self, school, manager):
        quote = sent_quote(school, manager)
        old_page, old_pdf = quote_url(quote), quote_url(quote, suffix="pdf")
        _reopen_and_add_a_line(quote, manager)
        quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Votre devis", body="Le voici, modifié.")
        quote.refresh_from_db()

        old = page_text(Client().get(old_page))
        assert "Ce devis a été remplacé" in old
        assert "Cours particulier 1 h" not in old
        assert Client().get(old_pdf).status_code == 410
        assert Client().post(old_page).status_code == 400
        quote.refresh_from_db()
        assert quote.status == Quote.Status.SENT

        new = page_text(Client().get(quote_url(quote)))
        assert "Cours particulier 1 h" in new
        assert Client().get(quote_url(quote, suffix="pdf")).content.startswith(b"%PDF")

    def test_a_withdrawn_quote_says_so_without_its_content(self, school, manager):
        quote = sent_quote(school, manager)
        page = quote_url(quote, "en")
        quote_cancel(school=school, actor=manager, quote_id=quote.pk)
        text = page_text(Client().get(page))
        assert "This quote was withdrawn" in text
        assert "Group lesson Flocon" not in text


class TestPayPage:
    def test_shows_the_amount_and_the_means_of_payment(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        school.iban = "FR7630006000011234567890189"
        school.bank_account_holder = "ESF Val Neige SARL"
        school.save()
        request = payment_request(
            school, manager, sent_quote(school, manager), kind="deposit", percentage=Decimal("30")
        )
        page = page_text(Client().get(pay_url(request)))
        assert "113,40\u00a0€" in page
        assert "FR76 3000 6000 0112 3456 7890 189" in page
        assert request.reference in page
        assert "aucun argent réel" in page

    @pytest.mark.parametrize(("language", "label"), [("fr", "Voir le devis"), ("en", "See quote")])
    def test_links_to_the_quote_it_pays_for(self, school, manager, language, label):
        quote = sent_quote(school, manager)
        response = Client().get(pay_url(payment_request(school, manager, quote), language))

        link = f'<a class="public-link" href="{quote_url(quote, language)}">{label} {quote.number}</a>'
        assert link in response.content.decode()
        assert Client().get(quote_url(quote, language)).status_code == 200

    def test_the_links_last_day_reads_as_in_its_email(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        last_day = timezone.localdate(request.expires_at)

        assert f"lien valable jusqu’au {last_day:%d/%m/%Y}" in page_text(Client().get(pay_url(request)))
        english = page_text(Client().get(pay_url(request, "en")))
        assert f"link valid until {last_day.day}\u00a0{last_day:%b}\u00a0{last_day:%Y}" in english

    def test_the_sandbox_pays_and_the_page_then_says_thank_you(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        request = payment_request(school, manager, sent_quote(school, manager))
        client = Client()
        response = client.post(pay_url(request, action="sandbox"), {"outcome": "pay"})
        assert response.status_code == 302
        payment = Payment.objects.get()
        assert (payment.provider, payment.amount) == ("sandbox", Decimal("378.00"))
        assert Sale.objects.count() == 1
        page = page_text(client.get(pay_url(request)))
        assert "Paiement reçu, merci" in page

    def test_after_a_deposit_the_client_reads_what_is_left_to_pay_and_what_comes_next(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        quote = sent_quote(school, manager)  # 378,00 €
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))  # 113,40 €
        client = Client()
        client.post(pay_url(deposit, action="sandbox"), {"outcome": "pay"})

        french = page_text(client.get(pay_url(deposit)))
        assert "Nous avons bien reçu 113,40\u00a0€" in french
        # The quote's number on one line on a phone (test_client_pages_on_a_phone_browser.py).
        number = f'<span class="public-reference-inline">{quote.number}</span>'
        assert f"Reste à payer sur le devis {number}\u00a0: 264,60\u00a0€." in french
        assert "vous enverra par e-mail un lien pour régler le solde" in french
        assert "Votre devis est entièrement payé" not in french
        english = page_text(client.get(pay_url(deposit, "en")))
        assert f"Left to pay on quote {number}: €264.60." in english

        accepted = page_text(client.get(quote_url(quote)))
        assert "Vous avez accepté ce devis" in accepted
        assert "Reste à payer" in accepted
        assert "264,60\u00a0€" in accepted
        assert "vous enverra par e-mail un lien pour payer le solde de 264,60\u00a0€" in accepted

        balance = payment_request(school, manager, quote)
        accepted = page_text(client.get(quote_url(quote, "en")))
        assert "Next step: pay the balance of €264.60 to confirm your booking." in accepted
        client.post(pay_url(balance, action="sandbox"), {"outcome": "pay"})
        paid = page_text(client.get(pay_url(balance)))
        assert "Votre devis est entièrement payé" in paid
        assert "Reste à payer" not in paid

    def test_a_declined_sandbox_card_changes_nothing(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        request = payment_request(school, manager, sent_quote(school, manager))
        response = Client().post(pay_url(request, action="sandbox"), {"outcome": "fail"})
        assert response.status_code == 400
        assert not Payment.objects.exists()

    def test_without_the_demo_there_is_no_sandbox(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = False
        request = payment_request(school, manager, sent_quote(school, manager))
        assert Client().post(pay_url(request, action="sandbox")).status_code == 404
        assert "bac à sable" not in page_text(Client().get(pay_url(request)))

    def test_a_link_of_a_changed_quote_says_so_and_takes_nothing(self, school, manager, settings):
        settings.MSEM_PAYMENT_SANDBOX = True
        quote = sent_quote(school, manager)
        request = payment_request(school, manager, quote)
        url, pay = pay_url(request), pay_url(request, action="sandbox")
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        response = Client().get(url)
        assert response.status_code in (404, 410)
        assert Client().post(pay, {"outcome": "pay"}).status_code in (404, 410)
        assert not Payment.objects.exists()

    def test_a_tampered_link_is_a_404(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        token = payment_link_token(request)
        url = reverse("public_site:pay", kwargs={"language": "fr", "token": token[:-3] + "abc"})
        assert Client().get(url).status_code == 404


class TestTheSchoolsContact:
    """The pages tell the client to contact the school; they say how."""

    @staticmethod
    def assert_contact(response, school):
        html = response.content.decode()
        assert '<footer class="public-footer">' in html
        assert school.name in page_text(response).split('<footer class="public-footer">', 1)[1]
        assert f'href="mailto:{school.main_email}"' in html

    @pytest.mark.parametrize(
        ("language", "invitation"), [("fr", "Une question\u202f? Contactez"), ("en", "Questions? Contact")]
    )
    def test_on_the_quote_page(self, school, manager, language, invitation):
        response = Client().get(quote_url(sent_quote(school, manager), language))
        self.assert_contact(response, school)
        assert f"{invitation} ESF Val Neige" in page_text(response)

    def test_on_the_payment_page(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        self.assert_contact(Client().get(pay_url(request, "en")), school)

    def test_the_page_of_an_expired_link_says_how_to_ask_for_a_new_one(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        request.expires_at = timezone.now() - timedelta(minutes=1)
        request.save(update_fields=["expires_at"])
        response = Client().get(pay_url(request, "en"))
        assert response.status_code == 410
        assert "ask the school for a new link" in page_text(response)
        self.assert_contact(response, school)
