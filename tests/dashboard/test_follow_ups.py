"""The quotes to follow up: which sent quotes the dashboard asks a secretary to remind the client of."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from msem.dashboard.follow_ups import follow_ups_compute
from msem.quotes.models import Quote
from msem.quotes.services import quote_accept, quote_remind
from tests.dashboard.helpers import dossier, quote_sent
from tests.quotes.helpers import draft_quote

pytestmark = pytest.mark.django_db


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def test_sent_quotes_unanswered_for_three_days_and_still_valid_the_oldest_first(
    school, other_school, manager, other_manager
):
    oldest = quote_sent(dossier(school, days_ago(9), first_name="Agathe"), manager, after=timedelta(days=1))
    older = quote_sent(dossier(school, days_ago(6), first_name="Bruno"), manager, after=timedelta(hours=2))
    recent = quote_sent(dossier(school, days_ago(3), first_name="Chloé"), manager, after=timedelta(days=1))
    accepted = quote_sent(dossier(school, days_ago(8)), manager, after=timedelta(days=1))
    quote_accept(school=school, quote_id=accepted.pk, token=accepted.token)
    lapsed = quote_sent(dossier(school, days_ago(20)), manager, after=timedelta(days=1))
    Quote.objects.filter(pk=lapsed.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    draft_quote(school, manager)
    quote_sent(dossier(other_school, days_ago(9)), other_manager, after=timedelta(days=1))

    follow_ups = follow_ups_compute(school=school)

    assert [row.number for row in follow_ups.rows] == [oldest.number, older.number]
    assert recent.number not in [row.number for row in follow_ups.rows]
    first = follow_ups.rows[0]
    assert (first.reference, first.client_name) == (oldest.inquiry.reference, "Agathe Martin")
    assert first.total == oldest.totals().including_vat
    assert (first.reminders_sent, first.last_reminded_at) == (0, None)
    assert (follow_ups.days, follow_ups.total, follow_ups.more) == (3, 2, 0)


def test_a_reminded_quote_stays_listed_with_its_reminder_and_the_rest_is_counted(school, manager):
    quotes = [quote_sent(dossier(school, days_ago(10 - index)), manager, after=timedelta(days=1)) for index in range(3)]
    quote_remind(school=school, actor=manager, quote_id=quotes[0].pk)

    follow_ups = follow_ups_compute(school=school, limit=2)

    assert [row.number for row in follow_ups.rows] == [quotes[0].number, quotes[1].number]
    assert follow_ups.rows[0].reminders_sent == 1
    assert follow_ups.rows[0].last_reminded_at is not None
    assert (follow_ups.total, follow_ups.more) == (3, 1)
