"""Through her filtered list from dossier to dossier: "Dossier suivant" / "Next dossier", and the previous one."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from msem.inquiries.models import Inquiry
from msem.inquiries.saved_filters import saved_filter_save
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def inbox_path(school) -> str:
    return reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})


def dossier_path(inquiry, action: str = "") -> str:
    name = f"backoffice:inquiry_{action}" if action else "backoffice:inquiry"
    return reverse(name, kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})


def row_link(inbox_page, inquiry) -> str:
    match = re.search(
        r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(inquiry.reference) + "</a>", inbox_page.content.decode()
    )
    assert match, "the dossier is not in the list"
    return unescape(match.group(1))


def step(page, rel: str) -> tuple[str, str] | None:
    """The "Next dossier" (rel=next) or "Previous dossier" (rel=prev) link: its address and its words."""
    match = re.search(rf'<a [^>]*href="([^"]+)" rel="{rel}">(.*?)</a>', page.content.decode())
    if match is None:
        return None
    words = re.sub(r"<[^>]+>", "", unescape(match.group(2)))
    return unescape(match.group(1)), re.sub(r"\s+", " ", words).strip()


def requests_link(page) -> str:
    return unescape(re.search(r'<p class="eyebrow"><a href="([^"]*)">', page.content.decode()).group(1))


def walk(client, first_url: str) -> list[str]:
    """The references met following "Next dossier" from a dossier to the end of the list."""
    seen, url = [], first_url
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen.append(page.context["inquiry"].reference)
        following = step(page, "next")
        url = following[0] if following else ""
        assert len(seen) < 100
    return seen


def received(school, minutes_ago: int, **fields) -> Inquiry:
    inquiry = receive_inquiry(school, **fields)
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=timezone.now() - timedelta(minutes=minutes_ago))
    inquiry.refresh_from_db()
    return inquiry


@pytest.fixture
def new_ones(school, other_school):
    """Five requests of the morning, newest first: three new, two already in progress; another school's between."""
    dossiers = []
    for minutes, status in [(10, "new"), (20, "in_progress"), (30, "new"), (40, "in_progress"), (50, "new")]:
        inquiry = received(school, minutes, last_name=f"Client{minutes}")
        Inquiry.objects.filter(pk=inquiry.pk).update(status=status)
        dossiers.append(inquiry)
        received(other_school, minutes + 1)  # never anyone's next dossier here
    return dossiers


def test_next_dossier_follows_her_filter_and_is_hidden_on_the_last(secretary_client, school, new_ones):
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&status=new")
    first = secretary_client.get(row_link(listed, new_ones[0]))

    assert step(first, "prev") is None  # the first of her list
    assert step(first, "next")[1] == f"Dossier suivant {new_ones[2].reference} →"
    expected = [new_ones[0].reference, new_ones[2].reference, new_ones[4].reference]
    assert walk(secretary_client, row_link(listed, new_ones[0])) == expected
    last = secretary_client.get(step(secretary_client.get(step(first, "next")[0]), "next")[0])
    assert step(last, "next") is None
    assert step(last, "prev")[1] == f"← Dossier précédent {new_ones[2].reference}"
    assert "Dossier suivant" not in last.content.decode()


def test_in_english_and_in_the_order_she_chose(secretary, secretary_client, school, new_ones):
    secretary.language = "en"
    secretary.save(update_fields=["language"])
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&status=new&sort=oldest")
    first = secretary_client.get(row_link(listed, new_ones[4]))
    assert step(first, "next")[1] == f"Next dossier {new_ones[2].reference} →"
    assert walk(secretary_client, row_link(listed, new_ones[4])) == [
        new_ones[4].reference,
        new_ones[2].reference,
        new_ones[0].reference,
    ]
    last = secretary_client.get(dossier_path(new_ones[0]), {"back": "f=1&status=new&sort=oldest"})
    assert step(last, "prev")[1] == f"← Previous dossier {new_ones[2].reference}"


def test_a_dossier_answered_leaves_her_list_and_next_still_follows_it(secretary_client, school, new_ones):
    """She works through the new ones: answered, a dossier is no longer new; the next one is still the next."""
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&status=new")
    dossier = secretary_client.get(row_link(listed, new_ones[0]))
    page = dossier.content.decode()
    start = page.index('<form method="post" action="' + dossier_path(new_ones[0], "reply"))
    action = unescape(page[start:].split('action="', 1)[1].split('"', 1)[0])
    answered = secretary_client.post(action, flatten(form_data(page[start:]) | {"body": ["Bonjour, c'est noté."]}))
    assert answered.status_code == 302
    assert Inquiry.objects.get(pk=new_ones[0].pk).status == "waiting_for_client"

    again = secretary_client.get(answered["Location"])
    assert step(again, "next")[1] == f"Dossier suivant {new_ones[2].reference} →"


def test_from_her_default_view_next_follows_it(secretary, secretary_client, school, new_ones):
    default = saved_filter_save(
        school=school, owner=secretary, name="En cours", criteria={"status": ["in_progress"]}, make_default=True
    )
    listed = secretary_client.get(inbox_path(school), follow=True)  # "Requests" in the menu: her default view
    dossier = secretary_client.get(row_link(listed, new_ones[1]))
    following = step(dossier, "next")
    assert following[1] == f"Dossier suivant {new_ones[3].reference} →"
    back = parse_qs(urlsplit(following[0]).query)["back"][0]
    assert parse_qs(back)["view"] == [str(default.pk)]
    assert parse_qs(back)["status"] == ["in_progress"]


def test_from_the_plain_list_of_the_menu_next_follows_it(secretary_client, school, new_ones):
    """No default view: "Requests" in the menu shows every dossier, and that list is one to follow too."""
    listed = secretary_client.get(inbox_path(school))
    assert listed.status_code == 200
    first = secretary_client.get(row_link(listed, new_ones[0]))
    following = step(first, "next")
    assert following[1] == f"Dossier suivant {new_ones[1].reference} \u2192"
    assert step(first, "prev") is None
    assert walk(secretary_client, row_link(listed, new_ones[0])) == [dossier.reference for dossier in new_ones]
    # "Requests" returns to that same list, unfiltered.
    assert secretary_client.get(requests_link(first)).context["page"].rows[0].reference == new_ones[0].reference


def test_opened_from_elsewhere_there_is_no_list_to_follow(secretary, secretary_client, school, new_ones):
    """From the dashboard or an e-mail: no list in the address, no guess at one."""
    saved_filter_save(school=school, owner=secretary, name="Nouvelles", criteria={"status": ["new"]}, make_default=True)
    dossier = secretary_client.get(dossier_path(new_ones[2]))
    assert dossier.status_code == 200
    assert step(dossier, "next") is None
    assert step(dossier, "prev") is None
    # The same dossier from her list: both.
    listed = secretary_client.get(inbox_path(school), follow=True)
    from_list = secretary_client.get(row_link(listed, new_ones[2]))
    assert step(from_list, "next")
    assert step(from_list, "prev")


def test_the_saved_view_she_chose_is_carried_and_the_list_returns_where_she_is(
    secretary, secretary_client, school, new_ones
):
    view = saved_filter_save(school=school, owner=secretary, name="Nouvelles du matin", criteria={"status": ["new"]})
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&status=new&view={view.pk}")
    second = secretary_client.get(step(secretary_client.get(row_link(listed, new_ones[0])), "next")[0])

    returned = secretary_client.get(requests_link(second))
    assert returned.context["shown_view"].name == "Nouvelles du matin"
    assert new_ones[2].reference in [row.reference for row in returned.context["page"].rows]


def test_past_the_first_page_the_list_returns_to_the_page_of_the_dossier(secretary_client, school):
    dossiers = [received(school, minutes) for minutes in range(1, 56)]  # newest first: 55 requests
    listed = secretary_client.get(f"{inbox_path(school)}?f=1")
    fiftieth = secretary_client.get(row_link(listed, dossiers[49]))
    fifty_first = secretary_client.get(step(fiftieth, "next")[0])
    assert fifty_first.context["inquiry"] == dossiers[50]

    returned = secretary_client.get(requests_link(fifty_first))
    assert dossiers[50].reference in [row.reference for row in returned.context["page"].rows]
    # And back again: the previous dossier's list starts with it.
    forty_ninth_list = secretary_client.get(requests_link(secretary_client.get(step(fifty_first, "prev")[0])))
    assert forty_ninth_list.context["page"].rows[0].reference == dossiers[49].reference


def test_by_arrival_the_dated_ones_then_the_undated(secretary_client, school):
    today = timezone.localdate()
    later = received(school, 5, arrival_date=today + timedelta(days=40), departure_date=None)
    sooner = received(school, 1, arrival_date=today + timedelta(days=10), departure_date=None)
    undated_a = received(school, 3, arrival_date=None, departure_date=None)
    undated_b = received(school, 2, arrival_date=None, departure_date=None)
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&sort=arrival")
    assert walk(secretary_client, row_link(listed, sooner)) == [
        sooner.reference,
        later.reference,
        undated_a.reference,
        undated_b.reference,
    ]
    first_undated = secretary_client.get(dossier_path(undated_a), {"back": "f=1&sort=arrival"})
    assert step(first_undated, "prev")[1] == f"← Dossier précédent {later.reference}"


@pytest.mark.parametrize("order", ["newest", "oldest", "arrival"])
def test_next_dossier_costs_one_statement_of_a_row_or_two_whatever_the_list(secretary_client, school, order):
    dossiers = [received(school, minutes) for minutes in range(1, 61)]
    url = dossier_path(dossiers[30]) + f"?back=f%3D1%26sort%3D{order}"
    with CaptureQueriesContext(connection) as queries:
        page = secretary_client.get(url)
    assert step(page, "next")
    assert step(page, "prev")
    # The read of a dossier's neighbours: the ranges on either side of it, a row or two each, in one statement.
    steps = [q["sql"] for q in queries.captured_queries if re.match(r"SELECT 0 AS part", q["sql"])]
    assert len(steps) == 1
    assert re.findall(r"LIMIT (\d+)", steps[0]) in (["1", "2"], ["1", "1", "2"], ["1", "1", "2", "2"])
    assert steps[0].count('"school_id" =') == steps[0].count("LIMIT")


def test_another_schools_dossier_is_never_next(secretary_client, school, other_school):
    mine = received(school, 10)
    older_one = received(school, 20)
    received(other_school, 5)
    received(other_school, 15)
    page = secretary_client.get(dossier_path(mine), {"back": "f=1"})
    assert step(page, "next")[0].startswith(dossier_path(older_one) + "?")  # not the other school's, in between
    assert step(page, "prev") is None  # not the other school's newer one
    assert step(secretary_client.get(dossier_path(older_one), {"back": "f=1"}), "next") is None
