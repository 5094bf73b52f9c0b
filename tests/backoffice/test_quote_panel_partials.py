"""The "Cours de ski" panel answers a change of a line with itself alone (htmx), and shows the quote
e-mail before it leaves.

QA (a secretary's busiest morning): each product added, each line changed or removed reloaded the
whole dossier page; and "Send the quote" sent it with no way to see what the client would read.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from msem.mailing.composition import FOOTER_SEPARATOR
from msem.mailing.models import OutgoingEmail
from msem.quotes.models import Quote
from msem.quotes.services import quote_send
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, lesson_day, product_with_price, sent_quote

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


def words(text: str) -> str:
    return " ".join(text.split())


def add_data(product, **changes) -> dict:
    return {
        "price_list": "public",
        "product": product.pk,
        "start_date": lesson_day().isoformat(),
        "participants": 2,
        "quantity": 1,
    } | changes


class TestLinesAnswerWithThePanel:
    def test_a_product_added_answers_with_the_panel_its_line_its_message_and_the_new_total(
        self, secretary, secretary_client, school
    ):
        quote = draft_quote(school, secretary)  # one line: 2 × 189
        private = product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", price="120.00")

        response = secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk), add_data(private, participants=1), headers=HTMX
        )

        assert response.status_code == 200
        panel = page_text(response)
        line = quote.lines.get(product_code="PRIV-2H")
        assert panel.startswith('<section class="card quotes-panel" id="quotes-panel"')  # the panel, not a page
        assert "<html" not in panel
        assert f'data-landing="line-{line.pk}"' in panel  # the keyboard goes to the line just added
        message = re.search(
            rf'id="quote-{quote.pk}">\s*<div class="messages" data-panel-messages>(.*?)</div>', panel, re.S
        )
        assert message
        assert '<p class="alert alert-success" role="status">Prestation ajoutée.</p>' in message.group(1)
        assert re.search(r"data-quote-total>498,00\s€</td>", panel)  # 378 + 120
        assert quote.lines.count() == 2

    def test_a_line_changed_answers_with_the_panel_at_that_line(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        line = quote.lines.get()

        response = secretary_client.post(
            url("quote_line", school, line_id=line.pk),
            {"action": "update", "start_date": lesson_day().isoformat(), "participants": 4, "quantity": 1},
            headers=HTMX,
        )

        panel = page_text(response)
        assert response.status_code == 200
        assert f'data-landing="line-{line.pk}"' in panel
        assert f"Ligne {line.product_code} modifiée." in panel
        assert re.search(r"data-quote-total>756,00\s€</td>", panel)  # 4 × 189
        line.refresh_from_db()
        assert line.participants == 4

    def test_a_line_removed_answers_with_the_panel_at_its_quote(self, secretary, secretary_client, school):
        private = product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", price="120.00")
        quote = draft_quote(school, secretary, lines=[(product_with_price(school), None, 2, 1), (private, None, 1, 1)])
        line = quote.lines.get(product_code="PRIV-2H")

        response = secretary_client.post(url("quote_line", school, line_id=line.pk), {"action": "remove"}, headers=HTMX)

        panel = page_text(response)
        assert response.status_code == 200
        assert f'data-landing="quote-{quote.pk}"' in panel
        assert "Ligne PRIV-2H retirée." in panel
        assert f'id="line-{line.pk}"' not in panel
        assert re.search(r"data-quote-total>378,00\s€</td>", panel)
        assert list(quote.lines.values_list("product_code", flat=True)) == ["COLL-FLOCON-6AM"]

    def test_a_product_refused_comes_back_in_the_panel_as_typed_with_its_error_announced(
        self, secretary, secretary_client, school
    ):
        product = product_with_price(school)
        quote = draft_quote(school, secretary, lines=[])

        response = secretary_client.post(
            url("quote_line_add", school, quote_id=quote.pk), add_data(product, participants="0"), headers=HTMX
        )

        panel = page_text(response)
        assert response.status_code == 422
        assert f'data-landing="add-line-{quote.pk}"' in panel  # the keyboard goes to the field in error
        alert = re.search(
            rf'<div class="alert alert-error" role="alert" id="add-errors-{quote.pk}">(.*?)</div>', panel, re.S
        )
        assert alert
        assert "Cette prestation n’a pas été ajoutée\u00a0:" in alert.group(1)
        assert re.search(r'name="participants" [^>]*value="0"[^>]*aria-invalid="true"', panel)
        assert not quote.lines.exists()
        # Said once: the panel loaded again afterwards does not repeat it.
        again = page_text(secretary_client.get(url("quotes_panel", school, reference=quote.inquiry.reference)))
        assert "Cette prestation n’a pas été ajoutée" not in again

    def test_a_change_refused_opens_the_lines_form_with_its_error(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        line = quote.lines.get()

        response = secretary_client.post(
            url("quote_line", school, line_id=line.pk),
            {"action": "update", "start_date": lesson_day().isoformat(), "participants": "0", "quantity": 1},
            headers=HTMX,
        )

        panel = page_text(response)
        assert response.status_code == 422
        assert f'data-landing="line-edit-{line.pk}"' in panel
        assert f'<tr class="line-edit-row" id="line-edit-row-{line.pk}" role="row">' in panel  # open, not hidden
        assert f"La ligne {line.product_code} n’a pas été modifiée\u00a0:" in panel
        line.refresh_from_db()
        assert line.participants == 2

    def test_a_line_of_a_quote_sent_meanwhile_says_so_at_the_top_of_the_quote(
        self, secretary, secretary_client, school
    ):
        quote = sent_quote(school, secretary)
        line = quote.lines.get()

        response = secretary_client.post(url("quote_line", school, line_id=line.pk), {"action": "remove"}, headers=HTMX)

        panel = page_text(response)
        assert response.status_code == 409
        assert f'data-landing="quote-{quote.pk}"' in panel
        assert '<p class="alert alert-error" role="status">Seul un devis en brouillon peut être modifié.</p>' in panel
        assert quote.lines.exists()

    def test_without_javascript_the_same_forms_still_answer_with_the_dossier_page(
        self, secretary, secretary_client, school
    ):
        quote = draft_quote(school, secretary)
        line = quote.lines.get()

        response = secretary_client.post(url("quote_line", school, line_id=line.pk), {"action": "remove"}, follow=True)

        assert response.redirect_chain[0][0].endswith(f"#quote-{quote.pk}")
        assert "Ligne COLL-FLOCON-6AM retirée." in page_text(response)
        assert not quote.lines.exists()


class TestPreviewBeforeSending:
    TEXT = {"subject": "Votre devis {quote_number}", "body": "Bonjour {client_name},\nvoici notre proposition."}

    def test_the_preview_is_the_email_that_leaves_word_for_word(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)
        preview = page_text(
            secretary_client.post(url("quote_send_preview", school, quote_id=quote.pk), self.TEXT, headers=HTMX)
        )
        assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).exists()  # a preview sends nothing
        assert Quote.objects.get().status == "draft"

        secretary_client.post(url("quote_send", school, quote_id=quote.pk), self.TEXT)

        email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.QUOTE)
        shown = re.search(r'<pre class="preview-text">(.*?)</pre>', preview, re.S)
        assert shown
        # Word for word; the footer's rule marked for the stylesheet (one line on a phone), nothing else.
        rule = f'<span class="mail-rule">{FOOTER_SEPARATOR}</span>'
        assert rule in shown.group(1)
        assert shown.group(1).replace(rule, FOOTER_SEPARATOR) == email.text_body
        assert f'<dd class="preview-subject">{email.subject}</dd>' in preview
        assert f"Votre devis {quote.number}" == email.subject
        text = email.text_body
        assert text.startswith("Bonjour Claire Martin,\nvoici notre proposition.")
        assert "Le devis est joint à cet e-mail en PDF." in text  # the fixed sentences
        assert "Conformément au RGPD" in text  # the legal footer
        assert f'href="{url("quote_pdf", school, quote_id=quote.pk)}"' in preview
        assert f"Ce que {quote.inquiry.email} va recevoir" in preview

    def test_an_english_client_gets_the_preview_in_english_whatever_the_secretarys_language(
        self, secretary, secretary_client, school
    ):
        inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith")
        quote = draft_quote(school, secretary, inquiry=inquiry)

        preview = page_text(
            secretary_client.post(
                url("quote_send_preview", school, quote_id=quote.pk),
                {"subject": "Your quote {quote_number}", "body": "Dear {client_name},"},
                headers=HTMX,
            )
        )

        assert "Dear John Smith," in preview
        assert "The quote is attached to this e-mail as a PDF." in preview
        assert "Le devis est joint" not in preview
        assert "Voir l’e-mail avant l’envoi" in preview  # the back office itself stays in French

    def test_a_placeholder_unknown_is_refused_in_the_form_and_nothing_is_sent(
        self, secretary, secretary_client, school
    ):
        quote = draft_quote(school, secretary)

        response = secretary_client.post(
            url("quote_send_preview", school, quote_id=quote.pk),
            {"subject": "Votre devis {numero}", "body": "Bonjour"},
            headers=HTMX,
        )

        form = page_text(response)
        assert response.status_code == 422
        assert f'<div class="alert alert-error" role="alert" id="send-errors-{quote.pk}">' in form
        assert "{numero}" in form
        assert re.search(r'name="subject" [^>]*value="Votre devis \{numero\}"[^>]*aria-invalid="true"', form)
        assert 'class="preview-text"' not in form
        assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).exists()

    def test_without_javascript_the_preview_is_a_page_whose_send_sends_once(self, secretary, secretary_client, school):
        quote = draft_quote(school, secretary)

        page = page_text(secretary_client.post(url("quote_send_preview", school, quote_id=quote.pk), self.TEXT))

        assert "<html" in page
        assert f"Devis {quote.number}\u00a0: l’e-mail avant son envoi" in page
        send = re.search(r'<form method="post" action="([^"]+)" class="send-preview-actions">(.*?)</form>', page, re.S)
        assert send
        assert send.group(1) == url("quote_send", school, quote_id=quote.pk)
        hidden = dict(re.findall(r'<input type="hidden" name="(subject|body)" value="([^"]*)">', send.group(2)))
        assert hidden == self.TEXT
        # Sent, then sent again (a click twice, the page reloaded): one e-mail.
        first = secretary_client.post(send.group(1), hidden, follow=True)
        second = secretary_client.post(send.group(1), hidden, follow=True)
        assert f"Le devis part vers {quote.inquiry.email}." in page_text(first)
        assert "Le devis part vers" not in page_text(second)
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).count() == 1
        assert Quote.objects.get().status == "sent"

    def test_a_quote_sent_meanwhile_has_no_preview(self, secretary, secretary_client, school):
        quote = sent_quote(school, secretary)

        response = secretary_client.post(url("quote_send_preview", school, quote_id=quote.pk), self.TEXT, headers=HTMX)

        assert response.status_code == 409
        # She sent it herself (another tab, a page of before): the words "Send the quote" would say.
        assert f"Le devis {quote.number} est parti à " in words(page_text(response))
        assert "il n’a été envoyé qu’une fois." in words(page_text(response))
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).count() == 1

    def test_a_quote_a_colleague_sent_meanwhile_says_who_sent_it_and_when(
        self, secretary, manager, secretary_client, school
    ):
        """Her panel drawn before the colleague sent the quote: the preview says what "Send the quote" would."""
        quote = draft_quote(school, secretary)
        quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Votre devis", body="Voici.")

        response = secretary_client.post(
            url("quote_send_preview", school, quote_id=quote.pk), self.TEXT | {"seen": "0"}, headers=HTMX
        )

        assert response.status_code == 409
        said = words(page_text(response))
        assert f"{manager} a envoyé ce devis ({quote.number}) au client à " in said
        assert "pendant que vous l’aviez ouvert" in said
        assert "Seul un devis en brouillon" not in said
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).count() == 1
        # The whole panel as it is now replaces hers (the quote sent, no draft left to change), not the send
        # form the preview was asked from: else the sent quote's panel would sit inside her stale draft.
        assert said.startswith('<section class="card quotes-panel" id="quotes-panel"')
        assert response["HX-Retarget"] == "#quotes-panel"
        assert response["HX-Reswap"] == "outerHTML"

    @pytest.mark.parametrize("headers", [HTMX, {}])
    def test_the_send_forms_marker_of_what_it_saw_goes_on_through_the_preview(
        self, secretary, secretary_client, school, headers
    ):
        """The form's "seen" (the quote last sent when the panel was drawn: a colleague's send meanwhile
        stops hers) reaches "Send the quote" whether the preview is on the panel or on its own page."""
        quote = draft_quote(school, secretary)

        response = secretary_client.post(
            url("quote_send_preview", school, quote_id=quote.pk), self.TEXT | {"seen": "41"}, headers=headers
        )

        assert response.status_code == 200
        assert '<input type="hidden" name="seen" value="41">' in page_text(response)
