"""Quotes through the services: frozen lines, the transition table, sending, accepting."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from msem.catalog.models import CatalogPrice, Product
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.quotes.formatting import format_date
from msem.quotes.models import Quote
from msem.quotes.pdf import quote_pdf
from msem.quotes.sending import quote_summary
from msem.quotes.services import (
    quote_accept,
    quote_cancel,
    quote_create,
    quote_expire_if_due,
    quote_line_add,
    quote_line_update,
    quote_remind,
    quote_reopen,
    quote_send,
    quotes_expire_due,
)
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import catalog, draft_quote, lesson_day, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


class TestLines:
    def test_a_line_freezes_code_name_and_price(self, school, manager):
        product = product_with_price(school, price="189.00")
        quote = draft_quote(school, manager, lines=[(product, None, 2, 1)])
        CatalogPrice.objects.update(unit_price=Decimal("250.00"))
        product.name_fr = "Nouveau nom"
        product.save()

        line = quote.lines.get()
        assert (line.product_code, line.name_fr, line.unit_price) == (
            "COLL-FLOCON-6AM",
            "Cours collectif Flocon — 6 matinées",
            Decimal("189.00"),
        )
        assert quote.totals().including_vat == Decimal("378.00")

    def test_the_price_is_the_chosen_catalogs(self, school, manager):
        tour_operator = catalog(school)
        product = product_with_price(school, price="189.00")
        product_with_price(school, price="170.00", catalog=tour_operator)
        exclusive = product_with_price(
            school,
            code="PRIV-OFFPISTE-DAY",
            name_fr="Journée hors-piste privée",
            price="450.00",
            unit="per_lesson",
            catalog=tour_operator,
        )
        quote = draft_quote(school, manager, lines=[(product, tour_operator, 1, 1), (exclusive, tour_operator, 3, 1)])
        assert [(line.catalog_code, line.unit_price, line.total) for line in quote.lines.all()] == [
            ("TO-NEIGE-2026", Decimal("170.00"), Decimal("170.00")),
            ("TO-NEIGE-2026", Decimal("450.00"), Decimal("450.00")),
        ]

    def test_a_product_not_in_the_list_or_outside_its_season_is_refused(self, school, manager):
        tour_operator = catalog(school)
        exclusive = product_with_price(school, code="EXCL", price="450.00", catalog=tour_operator)
        quote = quote_create(school=school, actor=manager, inquiry_id=receive_inquiry(school).pk)
        with pytest.raises(ValidationError):
            quote_line_add(
                school=school,
                actor=manager,
                quote_id=quote.pk,
                catalog=None,
                product=exclusive,
                start_date=lesson_day(),
            )
        with pytest.raises(ValidationError):
            quote_line_add(
                school=school,
                actor=manager,
                quote_id=quote.pk,
                catalog=tour_operator,
                product=exclusive,
                start_date=timezone.localdate() + timedelta(days=400),
            )
        assert not quote.lines.exists()

    @pytest.mark.parametrize(
        ("participants", "quantity", "days_ahead"), [(0, 1, 5), (1, 0, 5), (-1, 1, 5), (1, 1, -1), (501, 1, 5)]
    )
    def test_bad_quantities_and_past_dates_are_refused(self, school, manager, participants, quantity, days_ahead):
        product = product_with_price(school)
        quote = quote_create(school=school, actor=manager, inquiry_id=receive_inquiry(school).pk)
        with pytest.raises(ValidationError):
            quote_line_add(
                school=school,
                actor=manager,
                quote_id=quote.pk,
                catalog=None,
                product=product,
                start_date=timezone.localdate() + timedelta(days=days_ahead),
                participants=participants,
                quantity=quantity,
            )

    def test_a_product_of_another_school_is_refused(self, school, other_school, manager):
        foreign = product_with_price(other_school)
        quote = quote_create(school=school, actor=manager, inquiry_id=receive_inquiry(school).pk)
        with pytest.raises(ValidationError):
            quote_line_add(
                school=school, actor=manager, quote_id=quote.pk, catalog=None, product=foreign, start_date=lesson_day()
            )

    def test_each_change_bumps_the_version(self, school, manager):
        quote = draft_quote(school, manager)
        before = quote.version
        quote_line_update(
            school=school,
            actor=manager,
            line_id=quote.lines.get().pk,
            start_date=lesson_day(),
            end_date=None,
            participants=4,
            quantity=1,
        )
        quote.refresh_from_db()
        assert quote.version == before + 1
        assert quote.totals().including_vat == Decimal("756.00")


class TestLifecycle:
    def test_numbers_follow_each_other_per_school(self, school, other_school, manager, other_manager):
        first = draft_quote(school, manager)
        second = draft_quote(school, manager)
        elsewhere = draft_quote(other_school, other_manager)
        year = timezone.localdate().year
        assert (first.number, second.number, elsewhere.number) == (
            f"DEV-{year}-00001",
            f"DEV-{year}-00002",
            f"DEV-{year}-00001",
        )

    def test_sending_queues_the_email_in_the_clients_language_with_the_pdf(self, school, manager):
        inquiry = receive_inquiry(school, language="en")
        quote = draft_quote(school, manager, inquiry=inquiry)

        email = quote_send(
            school=school,
            actor=manager,
            quote_id=quote.pk,
            subject="Your quote {quote_number}",
            body="Hello {client_name}, here is our quote for {amount}: {quote_link}",
        )

        quote.refresh_from_db()
        assert quote.status == Quote.Status.SENT
        assert email.kind == OutgoingEmail.Kind.QUOTE
        assert email.subject == f"Your quote {quote.number}"
        assert "Hello Claire Martin, here is our quote for €378.00:" in email.text_body
        assert f"/en/{school.slug}/quote/{quote.link_token}/" in email.text_body
        assert "Total including VAT: €378.00" in email.text_body  # English: no space before the colon
        assert "The ESF Val Neige team" in email.text_body
        [attachment] = email.attachments.all()
        assert attachment.filename == f"{quote.number}.pdf"
        assert bytes(attachment.content).startswith(b"%PDF")
        inquiry.refresh_from_db()
        assert inquiry.status == Inquiry.Status.WAITING_FOR_CLIENT
        assert InquiryEvent.objects.filter(inquiry=inquiry, kind="quote", data__action="sent").exists()
        # Nobody had the dossier: whoever sent the quote has taken it, and the inbox says since when.
        assert inquiry.assignee == manager
        assert InquiryEvent.objects.filter(inquiry=inquiry, kind="assigned", actor=manager).exists()
        assert inquiry.updated_at >= quote.sent_at

    def test_an_empty_quote_or_an_unknown_placeholder_is_not_sent(self, school, manager):
        empty = quote_create(school=school, actor=manager, inquiry_id=receive_inquiry(school).pk)
        with pytest.raises(ValidationError):
            quote_send(school=school, actor=manager, quote_id=empty.pk, subject="Devis", body="Voici")
        quote = draft_quote(school, manager)
        with pytest.raises(ValidationError):
            quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Devis", body="{payment_link}")
        quote.refresh_from_db()
        assert quote.status == Quote.Status.DRAFT
        assert not OutgoingEmail.objects.filter(kind="quote").exists()

    def test_the_client_accepts_with_the_token_only(self, school, manager):
        quote = sent_quote(school, manager)
        with pytest.raises(PermissionDenied):
            quote_accept(school=school, quote_id=quote.pk, token="forged")
        accepted = quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        assert accepted.status == Quote.Status.ACCEPTED

    def test_a_quote_past_its_validity_expires_and_cannot_be_accepted(self, school, manager):
        quote = sent_quote(school, manager)
        Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
        quote.refresh_from_db()
        assert quote_expire_if_due(quote).status == Quote.Status.EXPIRED
        with pytest.raises(ValidationError):
            quote_accept(school=school, quote_id=quote.pk, token=quote.token)

    @pytest.mark.parametrize("action", [quote_reopen, quote_cancel])
    def test_a_sent_quote_can_be_reopened_or_cancelled(self, school, manager, action):
        quote = sent_quote(school, manager)
        version = quote.version
        action(school=school, actor=manager, quote_id=quote.pk)
        quote.refresh_from_db()
        assert quote.version == version + 1

    def test_the_transition_table_holds(self, school, manager):
        quote = draft_quote(school, manager)
        with pytest.raises(ValidationError):
            quote_reopen(school=school, actor=manager, quote_id=quote.pk)  # draft → draft
        quote_cancel(school=school, actor=manager, quote_id=quote.pk)
        with pytest.raises(ValidationError):
            quote_send(school=school, actor=manager, quote_id=quote.pk, subject="s", body="b")
        with pytest.raises(ValidationError):
            quote_line_add(
                school=school,
                actor=manager,
                quote_id=quote.pk,
                catalog=None,
                product=product_with_price(school, code="X2"),
                start_date=lesson_day(),
            )


class TestExpirySweep:
    """Hourly, every school's sent quotes past their validity date become expired."""

    def test_lapsed_quotes_of_every_school_expire_once_each_in_their_timeline(
        self, school, other_school, manager, other_manager
    ):
        lapsed = sent_quote(school, manager)
        elsewhere = sent_quote(other_school, other_manager)
        valid = sent_quote(school, manager)
        draft = draft_quote(school, manager)
        accepted = sent_quote(school, manager)
        quote_accept(school=school, quote_id=accepted.pk, token=accepted.token)
        yesterday = timezone.localdate() - timedelta(days=1)
        Quote.objects.exclude(pk=valid.pk).update(valid_until=yesterday)

        assert quotes_expire_due(batch=1) == 2
        assert quotes_expire_due() == 0

        statuses = dict(Quote.objects.values_list("pk", "status"))
        assert statuses == {
            lapsed.pk: "expired",
            elsewhere.pk: "expired",
            valid.pk: "sent",
            draft.pk: "draft",
            accepted.pk: "accepted",
        }
        expired = InquiryEvent.objects.filter(kind="quote", data__action="expired")
        assert sorted(expired.values_list("inquiry_id", flat=True)) == sorted([lapsed.inquiry_id, elsewhere.inquiry_id])
        assert {event.school_id for event in expired} == {school.pk, other_school.pk}


class TestReminder:
    """ "Relancer le client": the quote again, for a client who has not answered."""

    def test_the_client_gets_the_quote_again_marked_as_a_reminder_in_her_language(self, school, manager):
        quote = sent_quote(school, manager, inquiry=receive_inquiry(school, language="en"))

        reminded = quote_remind(school=school, actor=manager, quote_id=quote.pk)

        email = OutgoingEmail.objects.filter(kind="quote").latest("id")
        assert email.subject == f"Reminder: Your quote {quote.number} — ESF Val Neige"
        assert f"<title>{email.subject}</title>" in email.html_body
        assert email.to_email == quote.inquiry.email
        assert "Hello Claire Martin," in email.text_body  # the school's English "Envoi de devis" text
        assert f"/en/{school.slug}/quote/{quote.link_token}/" in email.text_body
        assert "Total including VAT: €378.00" in email.text_body
        [attachment] = email.attachments.all()
        assert attachment.filename == f"{quote.number}.pdf"
        assert (reminded.status, reminded.reminders_sent) == (Quote.Status.SENT, 1)
        assert reminded.version == quote.version  # its links keep working
        event = InquiryEvent.objects.filter(inquiry=quote.inquiry, kind="quote").latest("id")
        assert (event.actor, event.data["action"]) == (manager, "reminded")

    def test_a_second_reminder_right_after_is_refused_and_sends_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        quote_remind(school=school, actor=manager, quote_id=quote.pk)
        sent = OutgoingEmail.objects.count()

        with pytest.raises(ValidationError) as refused:
            quote_remind(school=school, actor=manager, quote_id=quote.pk)

        assert refused.value.code == "just_reminded"
        assert OutgoingEmail.objects.count() == sent
        Quote.objects.filter(pk=quote.pk).update(last_reminded_at=timezone.now() - timedelta(minutes=11))
        assert quote_remind(school=school, actor=manager, quote_id=quote.pk).reminders_sent == 2

    def test_only_a_sent_quote_still_valid_is_followed_up(self, school, manager):
        draft = draft_quote(school, manager)
        accepted = sent_quote(school, manager)
        quote_accept(school=school, quote_id=accepted.pk, token=accepted.token)
        past = sent_quote(school, manager)
        Quote.objects.filter(pk=past.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
        sent = OutgoingEmail.objects.count()

        for quote, code in ((draft, "not_sent"), (accepted, "not_sent"), (past, "past_validity")):
            with pytest.raises(ValidationError) as refused:
                quote_remind(school=school, actor=manager, quote_id=quote.pk)
            assert refused.value.code == code

        assert OutgoingEmail.objects.count() == sent
        assert not InquiryEvent.objects.filter(kind="quote", data__action="reminded").exists()

    def test_someone_of_another_school_cannot_remind(self, school, manager, other_manager):
        quote = sent_quote(school, manager)
        with pytest.raises(PermissionDenied):
            quote_remind(school=school, actor=other_manager, quote_id=quote.pk)
        assert Quote.objects.get(pk=quote.pk).reminders_sent == 0


def test_the_pdf_reads_back_with_the_total_and_the_clients_name(school, manager):
    inquiry = receive_inquiry(school, first_name="Hélène", last_name="Favre")
    quote = draft_quote(school, manager, inquiry=inquiry)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(quote_pdf(quote))).pages)
    assert "Hélène Favre" in text
    assert quote.number in text
    assert "378,00" in text
    assert "Total TTC" in text or "Total including VAT" in text
    assert "ESF Val Neige" in text
    assert school.main_email in text  # where "contact the school" leads


@pytest.mark.parametrize(("language", "label"), [("en", "VAT 5.5%"), ("fr", "TVA 5,5 %")])
def test_the_pdf_writes_the_vat_rate_in_the_clients_language(school, manager, language, label):
    """An English PDF said "VAT 5,5 %": a French decimal comma and a French space before the sign."""
    quote = draft_quote(school, manager, inquiry=receive_inquiry(school, language=language))
    Quote.objects.filter(pk=quote.pk).update(vat_rate=Decimal("5.50"))
    quote.refresh_from_db()
    assert quote.language == language

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(quote_pdf(quote))).pages)

    assert label in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "• Cours particulier 1 h — du {start} au {end} — 2 participants — 3 séances à 72,00\u00a0€ chacune"
            " — total 216,00\u00a0€",
        ),
        (
            "en",
            "• Private lesson 1 h — from {start} to {end} — 2 participants — 3 lessons at €72.00 each — total €216.00",
        ),
    ],
)
def test_the_emails_summary_says_each_lines_dates_participants_lessons_and_price_in_words(
    school, manager, language, expected
):
    private = product_with_price(
        school,
        code="PRIV-1H",
        name_fr="Cours particulier 1 h",
        name_en="Private lesson 1 h",
        price="72.00",
        unit=Product.PricingUnit.PER_LESSON,
    )
    quote = draft_quote(
        school, manager, inquiry=receive_inquiry(school, language=language), lines=[(private, None, 2, 3)]
    )
    start = lesson_day()
    line = quote.lines.get()
    quote_line_update(
        school=school,
        actor=manager,
        line_id=line.pk,
        start_date=start,
        end_date=start + timedelta(days=7),
        participants=2,
        quantity=3,
    )

    email = quote_send(school=school, actor=manager, quote_id=quote.pk, subject="{quote_number}", body="")

    end = start + timedelta(days=7)
    assert expected.format(start=format_date(start, language), end=format_date(end, language)) in email.text_body


def test_the_summary_says_hours_and_a_price_per_person_in_words(school, manager):
    hourly = product_with_price(school, code="PRIV-H", name_fr="Cours particulier", price="60.00", unit="per_hour")
    group = product_with_price(school, code="COLL", name_fr="Cours collectif", price="150.00")
    quote = draft_quote(school, manager, lines=[(hourly, None, 1, 2), (group, None, 3, 1)])

    summary = quote_summary(quote)

    assert (
        f"Cours particulier — {format_date(lesson_day(), 'fr')} — 1 participant — 2 heures à 60,00\u00a0€ l’heure"
        in summary
    )
    assert "Cours collectif — " in summary
    assert "3 participants — 150,00\u00a0€ par personne — total 450,00\u00a0€" in summary


def _pdf_lines(quote: Quote) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(quote_pdf(quote))).pages)
    return [line.strip() for line in text.replace("\u00a0", " ").splitlines()]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pdf_keeps_headings_and_dates_whole_and_says_nothing_of_the_4807_catalog(school, manager, language):
    reseller = catalog(school, code="TO-NEIGE-2026")
    product = product_with_price(school, code="CA-DEBUTANT", price="171.00", catalog=reseller)
    inquiry = receive_inquiry(school, language=language)
    quote = draft_quote(school, manager, inquiry=inquiry, lines=[(product, reseller, 2, 1)])
    start = lesson_day()
    quote_line_update(
        school=school,
        actor=manager,
        line_id=quote.lines.get().pk,
        start_date=start,
        end_date=start + timedelta(days=7),
        participants=2,
        quantity=1,
    )

    with translation.override(language):
        headings = [gettext(word) for word in ("Participants", "Unit price", "Qty", "Total")]
    lines = _pdf_lines(quote)

    assert all(heading in lines for heading in headings), lines
    # The range on two lines, each date whole.
    assert f"{format_date(start, language)} →" in lines
    assert format_date(start + timedelta(days=7), language) in lines
    assert "CA-DEBUTANT" in lines
    assert not any("TO-NEIGE-2026" in row for row in lines)
