"""From a dossier back to the inbox as the secretary left it: her search, her sort, her page."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create, season_start
from msem.inquiries.models import Inquiry
from msem.inquiries.saved_filters import saved_filter_save
from msem.inquiries.selectors import categories_live, subjects_live
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db

SEARCH = "f=1&q=Lambert&status=in_progress&sort=oldest"


def inbox_path(school) -> str:
    return reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})


def dossier_path(inquiry, action: str = "") -> str:
    name = f"backoffice:inquiry_{action}" if action else "backoffice:inquiry"
    return reverse(name, kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})


def row_link(inbox_page, inquiry) -> str:
    """The dossier's link in the inbox's row."""
    page = inbox_page.content.decode()
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(inquiry.reference) + "</a>", page)
    assert match, "the dossier is not in the list"
    return unescape(match.group(1))


def requests_link(dossier_page) -> str:
    """Where the dossier page's "Demandes" link leads."""
    match = re.search(r'<p class="eyebrow"><a href="([^"]*)">', dossier_page.content.decode())
    assert match
    return unescape(match.group(1))


def form_of(dossier_page, action: str) -> tuple[str, dict[str, list[str]]]:
    """The action and fields of the dossier page's form posting to `action`."""
    page = dossier_page.content.decode()
    start = page.index('<form method="post" action="' + action)
    target = unescape(page[start:].split('action="', 1)[1].split('"', 1)[0])
    return target, form_data(page[start:])


def criteria(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.fixture
def lambert(school, secretary):
    """An "En cours" dossier of Mme Lambert, and a default filter that would not show it."""
    saved_filter_save(school=school, owner=secretary, name="Nouvelles", criteria={"status": ["new"]}, make_default=True)
    inquiry = receive_inquiry(school, last_name="Lambert", email="lambert@example.org")
    Inquiry.objects.filter(pk=inquiry.pk).update(status="in_progress")
    receive_inquiry(school, last_name="Durand", email="durand@example.org")
    return inquiry


def test_the_requests_link_returns_to_her_search_and_not_to_her_default(secretary_client, school, lambert):
    listed = secretary_client.get(f"{inbox_path(school)}?{SEARCH}")
    dossier = secretary_client.get(row_link(listed, lambert))
    assert dossier.status_code == 200

    back = requests_link(dossier)
    assert urlsplit(back).path == inbox_path(school)
    assert criteria(back) == criteria("?" + SEARCH)
    again = secretary_client.get(back)
    assert again.status_code == 200  # not redirected to her default filter
    assert [row.reference for row in again.context["page"].rows] == [lambert.reference]


def test_the_way_back_survives_taking_saving_and_answering(secretary, secretary_client, school, lambert):
    Inquiry.objects.filter(pk=lambert.pk).update(assignee=None)
    dossier_url = row_link(secretary_client.get(f"{inbox_path(school)}?{SEARCH}"), lambert)

    dossier = secretary_client.get(dossier_url)
    action, fields = form_of(dossier, dossier_path(lambert, "take"))
    taken = secretary_client.post(action, flatten(fields))
    assert taken.status_code == 302
    dossier = secretary_client.get(taken["Location"])
    assert criteria(requests_link(dossier)) == criteria("?" + SEARCH)

    action, fields = form_of(dossier, dossier_path(lambert, "panel"))
    saved = secretary_client.post(action, flatten(fields | {"status": ["waiting_for_client"]}))
    assert saved.status_code == 302
    dossier = secretary_client.get(saved["Location"])
    assert criteria(requests_link(dossier)) == criteria("?" + SEARCH)

    action, fields = form_of(dossier, dossier_path(lambert, "reply"))
    answered = secretary_client.post(action, flatten(fields | {"body": ["Bonjour, c'est noté."]}))
    assert answered.status_code == 302
    dossier = secretary_client.get(answered["Location"])
    assert criteria(requests_link(dossier)) == criteria("?" + SEARCH)

    # A refused form keeps it too.
    action, fields = form_of(dossier, dossier_path(lambert, "reply"))
    refused = secretary_client.post(action, flatten(fields | {"body": [""]}))
    assert refused.status_code == 400
    assert criteria(requests_link(refused)) == criteria("?" + SEARCH)
    # Answered at …/reply/, which only takes a POST: the page gives the browser its own address.
    own = unescape(re.search(r'data-page-url="([^"]+)"', refused.content.decode()).group(1))
    assert urlsplit(own).path == dossier_path(lambert)
    assert criteria(requests_link(secretary_client.get(own))) == criteria("?" + SEARCH)
    assert "data-page-url" not in secretary_client.get(own).content.decode()


def test_a_quote_action_keeps_the_way_back(secretary_client, school, lambert):
    dossier_url = row_link(secretary_client.get(f"{inbox_path(school)}?{SEARCH}"), lambert)
    dossier = secretary_client.get(dossier_url)
    panel_url = re.search(r'hx-get="([^"]*/quotes/panel/[^"]*)"', dossier.content.decode()).group(1)
    panel = secretary_client.get(unescape(panel_url))
    action, fields = form_of(panel, reverse("backoffice:quote_create", args=[school.slug, lambert.reference]))
    created = secretary_client.post(action, flatten(fields))
    assert created.status_code == 302
    assert criteria(requests_link(secretary_client.get(created["Location"]))) == criteria("?" + SEARCH)


def test_the_second_page_is_where_she_returns(secretary, secretary_client, school):
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=[secretary]
    )
    rows = generate_inquiries(school, choices, count=60, start=season_start(timezone.localdate()), end=timezone.now())
    inquiries_bulk_create(school, list(rows))
    first = secretary_client.get(f"{inbox_path(school)}?f=1&archived=all")
    second = secretary_client.get(f"{inbox_path(school)}?{first.context['next_query']}")
    on_second_page = Inquiry.objects.get(reference=second.context["page"].rows[0].reference)

    back = requests_link(secretary_client.get(row_link(second, on_second_page)))
    returned = secretary_client.get(back)
    assert [row.reference for row in returned.context["page"].rows] == [
        row.reference for row in second.context["page"].rows
    ]


@pytest.mark.parametrize(
    "back",
    ["https://evil.test/x", "//evil.test/", "/backoffice/other/", "javascript:alert(1)", "q=" + "x" * 3000, "x=1"],
)
def test_a_back_that_is_not_an_inbox_query_leads_only_to_the_inbox(secretary_client, school, lambert, back):
    dossier = secretary_client.get(dossier_path(lambert), {"back": back})
    assert dossier.status_code == 200
    link = requests_link(dossier)
    assert urlsplit(link).path == inbox_path(school)
    assert not urlsplit(link).netloc
    assert "evil" not in link
    assert "javascript" not in link


def test_a_dossier_opened_from_elsewhere_returns_to_her_default_inbox(secretary_client, school, lambert):
    # Named after the #: back in the inbox the keyboard is on her row (backoffice.js).
    assert requests_link(secretary_client.get(dossier_path(lambert))) == f"{inbox_path(school)}#{lambert.reference}"


def test_back_from_a_dossier_the_list_still_names_the_view_she_chose(secretary, secretary_client, school, lambert):
    mine = saved_filter_save(school=school, owner=secretary, name="Arrivées du jour", criteria={"status": ["new"]})
    durand = Inquiry.objects.get(last_name="Durand")
    listed = secretary_client.get(f"{inbox_path(school)}?f=1&status=new&view={mine.pk}")
    back = requests_link(secretary_client.get(row_link(listed, durand)))
    assert criteria(back)["view"] == [str(mine.pk)]
    assert secretary_client.get(back).context["shown_view"].name == "Arrivées du jour"  # not her default, Nouvelles
