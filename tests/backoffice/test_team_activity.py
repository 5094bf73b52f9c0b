"""Équipe → the month's activity: what each colleague did, read from the timelines in two queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.accounts.models import Membership, Role
from msem.dashboard.periods import period_this_month, today_in_paris
from msem.dashboard.team_activity import team_activity
from msem.inquiries.dossier import inquiry_reply
from msem.inquiries.models import InquiryEvent
from msem.payments.services import payment_record
from msem.sales.models import Sale
from tests.factories import MembershipFactory
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def team_url(school, **query: str) -> str:
    return f"/backoffice/{school.slug}/team/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def client_of(user, language: str = "fr") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def reply(school, actor, inquiry) -> None:
    inquiry_reply(school=school, actor=actor, inquiry_id=inquiry.pk, subject="Vos cours", body="Bonjour.")


def paid(school, actor, quote) -> None:
    request = payment_request(school, actor, quote)
    payment_record(
        school=school,
        payment_request_id=request.pk,
        provider="sandbox",
        provider_reference=f"r-{quote.pk}",
        amount=request.amount,
    )


def activity_row(page: str, email: str) -> list[str]:
    row = page[page.index(f'data-activity="{email}"') :].split("</tr>", maxsplit=1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]


@pytest.fixture
def month_of_work(school, manager, secretary):
    """The secretary answers two dossiers (one twice), sends a quote and a payment request; the client pays."""
    first, second = receive_inquiry(school), receive_inquiry(school)
    reply(school, secretary, first)
    reply(school, secretary, first)
    quote = sent_quote(school, secretary, inquiry=second)  # a quote e-mailed answers its dossier too
    paid(school, secretary, quote)
    return quote


def test_the_manager_sees_what_each_colleague_did_this_month(school, manager, secretary, month_of_work):
    page = page_text(client_of(manager).get(team_url(school)))

    assert "Ce mois-ci" in page
    assert "Le mois dernier" in page
    # Name, dossiers answered, quotes sent, payment requests sent, sales, amount sold.
    assert activity_row(page, secretary.email)[1:] == ["2", "1", "1", "1", "378,00\u00a0€"]
    assert activity_row(page, manager.email)[1:] == ["0", "0", "0", "0", "0,00\u00a0€"]


def test_in_english_the_same_figures_under_english_headings(school, manager, secretary, month_of_work):
    page = page_text(client_of(manager, "en").get(team_url(school)))

    assert "Dossiers answered" in page
    assert "Payment requests sent" in page
    assert activity_row(page, secretary.email)[1:] == ["2", "1", "1", "1", "€378.00"]


def test_last_months_work_is_under_last_month_not_this_one(school, manager, secretary, month_of_work):
    first_of_month = period_this_month(today_in_paris(timezone.now())).start
    InquiryEvent.objects.for_school(school).update(created_at=first_of_month - timedelta(days=3))
    Sale.objects.for_school(school).update(created_at=first_of_month - timedelta(days=3))
    client = client_of(manager)

    this_month = page_text(client.get(team_url(school)))
    last_month = page_text(client.get(team_url(school, activity="last-month")))

    assert activity_row(this_month, secretary.email)[1:] == ["0", "0", "0", "0", "0,00\u00a0€"]
    assert activity_row(last_month, secretary.email)[1:] == ["2", "1", "1", "1", "378,00\u00a0€"]
    assert 'href="/backoffice/valneige/team/?activity=last-month#team-activity-title" aria-current="page"' in last_month


def test_another_schools_work_is_not_counted(school, other_school, manager, secretary, month_of_work):
    # The same secretary works for another school too: what she did there is not this school's.
    MembershipFactory(school=other_school, user=secretary)
    reply(other_school, secretary, receive_inquiry(other_school))

    page = page_text(client_of(manager).get(team_url(school)))

    assert activity_row(page, secretary.email)[1] == "2"


def test_a_colleague_who_left_is_counted_on_one_line(school, manager, secretary, month_of_work):
    Membership.objects.for_school(school).filter(user=secretary).delete()

    page = page_text(client_of(manager).get(team_url(school)))

    assert f'data-activity="{secretary.email}"' not in page
    assert activity_row(page, "former") == ["Anciens membres", "2", "1", "1", "1", "378,00\u00a0€"]


def test_two_queries_whatever_the_teams_size(school, manager, secretary, month_of_work):
    """One GROUP BY over the timelines' lines, one over the sales: never a query per colleague."""
    period = period_this_month(today_in_paris(timezone.now()))
    with CaptureQueriesContext(connection) as queries:
        activity = team_activity(school=school, period=period)
    assert len(queries) == 2
    assert activity[secretary.pk].sales_amount == Decimal("378.00")

    client = client_of(manager)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(team_url(school)).status_code == 200
        return len(captured)

    page_queries()  # the first page of a session caches its menu
    with_two = page_queries()
    for number in range(4):
        colleague = MembershipFactory(school=school, role=Role.SECRETARY, user__email=f"s{number}@valneige.test").user
        reply(school, colleague, receive_inquiry(school))
        paid(school, colleague, sent_quote(school, colleague))

    assert page_queries() == with_two


def test_a_secretary_does_not_see_the_teams_activity(school, secretary, month_of_work):
    assert client_of(secretary).get(team_url(school)).status_code == 403
