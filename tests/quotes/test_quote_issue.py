"""The day a quote was issued, as its client reads it: the day the version he has was sent.

QA: a quote sent again after a change kept the first date ("Émis le", the day its draft was begun)
in its PDF, and the client's page gave none.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from msem.inquiries.models import InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.quotes.formatting import format_date
from msem.quotes.models import Quote
from msem.quotes.pdf import quote_pdf
from msem.quotes.services import quote_line_update, quote_reopen, quote_send
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, sent_quote

pytestmark = pytest.mark.django_db


def page(quote: Quote, language: str = "fr", link_token: str | None = None) -> str:
    return reverse(
        "public_site:quote",
        kwargs={"language": language, "school_slug": quote.school.slug, "token": link_token or quote.link_token},
    )


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def lead(response) -> str:
    text = page_text(response)
    return re.sub(r"\s+", " ", text[text.index('class="public-lead"') : text.index("</p>", text.index("public-lead"))])


def begun_and_sent_days_ago(quote: Quote, *, begun: int, sent: int) -> None:
    """As if the draft had been begun, then sent, that many days ago."""
    now = timezone.now()
    Quote.objects.filter(pk=quote.pk).update(created_at=now - timedelta(days=begun), sent_at=now - timedelta(days=sent))
    InquiryEvent.objects.filter(inquiry_id=quote.inquiry_id, kind="quote", data__action="sent").update(
        created_at=now - timedelta(days=sent)
    )
    quote.refresh_from_db()


def sent_again(school, manager, quote: Quote) -> Quote:
    quote_reopen(school=school, actor=manager, quote_id=quote.pk)
    line = quote.lines.get()
    quote_line_update(
        school=school,
        actor=manager,
        line_id=line.pk,
        start_date=line.start_date,
        end_date=line.end_date,
        participants=3,
        quantity=1,
    )
    quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Votre devis {quote_number}", body="Voici.")
    quote.refresh_from_db()
    return quote


def test_a_quote_sent_once_says_the_day_it_was_sent_not_the_day_its_draft_was_begun(school, manager):
    quote = sent_quote(school, manager)
    begun_and_sent_days_ago(quote, begun=6, sent=4)
    sent_day = format_date(timezone.localdate() - timedelta(days=4), "fr")
    begun_day = format_date(timezone.localdate() - timedelta(days=6), "fr")

    text = pdf_text(quote_pdf(quote))
    assert f"Émis le {sent_day} ·" in text
    assert begun_day not in text
    assert "première fois" not in text
    french = lead(Client().get(page(quote)))
    assert f"envoyé le {sent_day}" in french
    assert "mise à jour" not in french


def test_a_quote_sent_again_says_the_day_of_its_version_and_of_the_first(school, manager):
    inquiry = receive_inquiry(school)
    quote = sent_quote(school, manager, inquiry=inquiry)
    first_link = quote.link_token
    begun_and_sent_days_ago(quote, begun=6, sent=4)
    quote = sent_again(school, manager, quote)
    today, first = timezone.localdate(), timezone.localdate() - timedelta(days=4)

    # The PDF sent with the new version, and the one the client downloads from its page.
    email = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).order_by("-id").first()
    [attachment] = email.attachments.all()
    for text in (pdf_text(bytes(attachment.content)), pdf_text(Client().get(page(quote) + "pdf/").content)):
        assert f"Émis le {format_date(today, 'fr')} ·" in text
        assert f"Version mise à jour du devis émis pour la première fois le {format_date(first, 'fr')}." in text

    client = Client()
    french = lead(client.get(page(quote)))
    assert f"envoyé le {format_date(today, 'fr')}" in french
    assert f"(version mise à jour du devis envoyé pour la première fois le {format_date(first, 'fr')})" in french
    english = lead(client.get(page(quote, "en")))
    assert f"sent on {format_date(today, 'en')}" in english
    assert f"(updated version, first sent on {format_date(first, 'en')})" in english

    # The link of the first version still says it was replaced; the new one shows the quote.
    assert client.get(page(quote, link_token=first_link)).status_code == 410
    assert client.get(page(quote)).status_code == 200


def test_the_pdf_of_a_draft_being_changed_is_not_dated_by_its_last_version(school, manager):
    """The secretary's preview of a reopened quote: the day it would leave, not the day the last one did."""
    quote = sent_quote(school, manager)
    begun_and_sent_days_ago(quote, begun=6, sent=4)
    quote_reopen(school=school, actor=manager, quote_id=quote.pk)
    quote.refresh_from_db()
    text = pdf_text(quote_pdf(quote))
    assert f"Émis le {format_date(timezone.localdate(), 'fr')} ·" in text
    assert f"première fois le {format_date(timezone.localdate() - timedelta(days=4), 'fr')}" in text


def test_a_draft_never_sent_is_issued_today(school, manager):
    quote = draft_quote(school, manager)
    Quote.objects.filter(pk=quote.pk).update(created_at=timezone.now() - timedelta(days=3))
    quote.refresh_from_db()
    text = pdf_text(quote_pdf(quote))
    assert f"Émis le {format_date(timezone.localdate(), 'fr')} ·" in text
    assert "première fois" not in text


def sends_at(quote: Quote, *, day, first: str, last: str) -> None:
    """As if the quote had been first sent at `first` and sent again at `last` on `day`, the school's clock."""
    first_event, last_event = InquiryEvent.objects.filter(
        inquiry_id=quote.inquiry_id, kind="quote", data__action="sent"
    ).order_by("created_at", "id")

    def moment(hour_minute: str):
        hour, minute = map(int, hour_minute.split(":"))
        return timezone.make_aware(datetime.combine(day, time(hour, minute, 37)))

    InquiryEvent.objects.filter(pk=first_event.pk).update(created_at=moment(first))
    InquiryEvent.objects.filter(pk=last_event.pk).update(created_at=moment(last))
    Quote.objects.filter(pk=quote.pk).update(sent_at=moment(last))
    quote.refresh_from_db()


def test_a_quote_sent_again_the_same_day_says_it_is_an_update_and_when_the_first_left(school, manager):
    """QA: a version sent again on the day of the first said only "sent on <today>", like the first."""
    quote = sent_again(school, manager, sent_quote(school, manager))
    today = timezone.localdate()
    sends_at(quote, day=today, first="09:12", last="15:40")

    client = Client()
    french = lead(client.get(page(quote)))
    assert f"envoyé le {format_date(today, 'fr')}" in french
    assert "(version mise à jour du devis envoyé pour la première fois aujourd’hui à 09:12)" in french
    english = lead(client.get(page(quote, "en")))
    assert f"sent on {format_date(today, 'en')}" in english
    assert "(updated version, first sent today at 09:12)" in english

    # The PDF may be read days later: "the same day", never "today".
    text = pdf_text(Client().get(page(quote) + "pdf/").content)
    assert f"Émis le {format_date(today, 'fr')} ·" in text
    assert "Version mise à jour du devis émis pour la première fois le même jour à 09:12." in text


def test_a_page_read_days_after_a_same_day_update_says_the_same_day_not_today(school, manager):
    quote = sent_again(school, manager, sent_quote(school, manager))
    day = timezone.localdate() - timedelta(days=3)
    sends_at(quote, day=day, first="09:12", last="15:40")

    client = Client()
    french = lead(client.get(page(quote)))
    assert f"envoyé le {format_date(day, 'fr')}" in french
    assert "(version mise à jour du devis envoyé pour la première fois le même jour à 09:12)" in french
    assert "aujourd" not in french
    english = lead(client.get(page(quote, "en")))
    assert "(updated version, first sent the same day at 09:12)" in english


def test_a_quote_sent_once_today_is_not_called_an_update(school, manager):
    quote = sent_quote(school, manager)
    french = lead(Client().get(page(quote)))
    assert f"envoyé le {format_date(timezone.localdate(), 'fr')}" in french
    assert "mise à jour" not in french
    assert "première fois" not in pdf_text(quote_pdf(quote))
