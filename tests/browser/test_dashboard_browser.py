"""The dashboard in a real browser, in French and in English."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.accounts.models import Role
from msem.dashboard.periods import period_this_season, today_in_paris
from msem.demo.commercial_history import commercial_history_bulk_create
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create
from msem.inquiries.models import Category
from msem.inquiries.selectors import categories_live, subjects_live
from msem.inquiries.services import SubjectLine, subjects_sync
from tests.browser.conftest import log_in
from tests.browser.test_backoffice_on_a_phone_browser import accessible_table
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The charts whose table is wider than its box (the box then scrolls sideways, its last columns cut).
TABLES_SCROLLING_SIDEWAYS = """() => [...document.querySelectorAll(".table-scroll")]
  .filter(box => box.scrollWidth > box.clientWidth)
  .map(box => box.closest("[data-chart]").dataset.chart)"""


@pytest.fixture
def season(school, secretary, manager):
    """A season under way: a few hundred requests, answered, quoted and paid as a school would."""
    first = subjects_live(school=school).get()
    subjects_sync(
        school=school,
        lines=[
            SubjectLine(first.pk, "Demande d’informations", "Request for information", school.main_email),
            SubjectLine(None, "Cours collectifs", "Group lessons", "collectifs@valneige.test"),
            SubjectLine(None, "Cours particuliers", "Private lessons", "prives@valneige.test"),
            SubjectLine(None, "Groupes et scolaires", "Groups and schools", "groupes@valneige.test"),
        ],
    )
    for position, (code, french, english) in enumerate(
        [
            ("village", "Station village", "Village resort"),
            ("altitude", "Station altitude", "High resort"),
            ("je-ne-sais-pas", "Je ne sais pas", "I don't know yet"),
        ]
    ):
        Category.objects.create(school=school, code=code, label_fr=french, label_en=english, position=position)
    colleague = MembershipFactory(school=school, role=Role.SECRETARY, user__full_name="Julie Perrin").user
    staff = [secretary, manager, colleague]
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=staff
    )
    this_season = period_this_season(today_in_paris(timezone.now()))
    rows = generate_inquiries(school, choices, count=400, start=this_season.start, end=timezone.now())
    inquiries_bulk_create(school, list(rows), with_events=False)
    commercial_history_bulk_create(school, staff=staff)
    return this_season


def test_the_dashboard_in_french(page, school, secretary, season, screenshot):
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, secretary.email, PASSWORD)
    page.locator(".sidebar a").first.click()
    expect(page).to_have_url(re.compile(rf"/backoffice/{school.slug}/dashboard/$"))
    expect(page.locator(".sidebar a").first).to_have_attribute("aria-current", "page")

    # Six key figures, six sections (the last, the quotes to follow up), seven charts, each an image with its title.
    expect(page.locator(".key-figure")).to_have_count(6)
    expect(page.locator("h2.dashboard-section")).to_have_count(6)
    expect(page.locator("h2.dashboard-section").last).to_have_text("Devis à relancer")
    charts = page.locator("svg.chart-svg[role=img]")
    expect(charts).to_have_count(7)
    requests = page.locator("[data-chart=requests-by-subject] svg.chart-svg")
    expect(requests.locator("rect.chart-bar").first).to_be_visible()
    expect(page.locator("[data-chart=funnel] table")).to_be_visible()
    # French numbers: a comma before the decimals, a space before the % sign.
    expect(page.locator(".key-figure").nth(1)).to_contain_text(re.compile(r"\d+,\d\u202f%"))
    expect(page.locator(".key-figure").nth(3)).to_contain_text("€")
    screenshot(page, "dashboard-fr")
    # At 1366 pixels every table fits its card: none scrolls sideways with its last column cut.
    assert page.evaluate(TABLES_SCROLLING_SIDEWAYS) == []

    # The table of a chart unfolds under it.
    folded = page.locator("[data-chart=requests-by-subject] details")
    expect(folded.locator("table")).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.locator("table")).to_be_visible()
    expect(folded.locator("tbody tr")).to_have_count(len(season.buckets()))

    # Typing a date chooses "dates"; a period ending before it starts is refused in words.
    page.locator("#id_start").fill("2026-01-31")
    expect(page.locator("input[name=period][value=custom]")).to_be_checked()
    page.locator("#id_end").fill("2026-01-01")
    page.locator("#dashboard-period button[type=submit]").click()
    expect(page.locator(".period-form .alert-error")).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(0)
    screenshot(page, "dashboard-fr-bad-period", full_page=False)

    # This week: a bar per day.
    page.locator("label", has=page.locator("input[name=period][value=week]")).click()
    page.locator("#dashboard-period button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"period=week"))
    expect(page.locator("[data-chart=requests-by-subject] .chart-description")).to_contain_text("2026")


def test_the_dashboard_in_english(page, school, secretary, season, screenshot):
    secretary.language = "en"
    secretary.save()
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Requests received, by subject")).to_be_visible()
    expect(page.locator(".key-figure").first).to_contain_text("Requests")
    expect(page.locator(".key-figure").nth(1)).to_contain_text(re.compile(r"\d+\.\d% of the requests"))
    expect(page.locator("[data-chart=answer-times-by-secretary]")).to_contain_text("Julie Perrin")
    screenshot(page, "dashboard-en")
    assert page.evaluate(TABLES_SCROLLING_SIDEWAYS) == []

    # The waiting list leads to the dossiers.
    waiting = page.locator("#waiting ~ section table a").first
    reference = waiting.inner_text()
    waiting.click()
    expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()

    # Each chart's figures download as a CSV file.
    page.go_back()
    with page.expect_download() as download:
        page.locator("[data-chart=funnel] a[download]").click()
    assert download.value.suggested_filename.startswith(f"funnel-{school.slug}-")


def test_the_threshold_of_the_waiting_list(page, school, secretary, season):
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/dashboard/")
    count = page.locator(".key-figure").last.locator(".key-figure-value")
    before = int(count.inner_text().replace("\u00a0", ""))
    page.locator("#id_waiting_hours").fill("336")
    page.locator(".threshold-form button").click()
    expect(page).to_have_url(re.compile(r"hours=336"))
    expect(page.locator("#waiting-heading")).to_have_text("Ouvertes depuis plus de 14 jours")
    after = int(count.inner_text().replace("\u00a0", ""))
    assert 0 < after < before  # the season's old requests still open, not the recent ones


# Each figure of a table (the folded ones too) that is not wholly inside its box, and the words above
# it on a phone (its column's, from the data-label that the ::before shows).
FIGURES_OUTSIDE_THEIR_BOX = """() => [...document.querySelectorAll(".chart-table:not(.card-table)")].flatMap(table => {
  const box = table.closest(".table-scroll").getBoundingClientRect();
  return [...table.querySelectorAll("tbody th, tbody td, tfoot th, tfoot td")]
    .map(cell => [cell, cell.getBoundingClientRect()])
    .filter(([, edges]) => edges.width > 0 && (edges.left < box.left - 0.5 || edges.right > box.right + 0.5))
    .map(([cell]) => cell)
    .map(cell => `${table.closest("[data-chart]").dataset.chart}: ${cell.textContent}`);
})"""

# Each figure's words on a phone, in sight above it: those of its column's header.
LABEL_ABOVE = """cell => {
  const words = getComputedStyle(cell, "::before").content;
  const column = cell.closest("table").querySelectorAll("thead th")[cell.cellIndex].textContent.trim();
  return {words, column};
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_tables_of_figures_do_not_scroll_sideways(page, school, secretary, season, language):
    """QA: on a phone the funnel, the times to the first answer and the weeks by subject scrolled sideways
    in their box, a figure a scroll away from its row's name and its column's header."""
    secretary.language = language
    secretary.save()
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/dashboard/")
    for details in page.locator("details.chart-data").all():
        details.locator("summary").click()

    for width in (320, 390, 430):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert page.evaluate(TABLES_SCROLLING_SIDEWAYS) == [], width
        assert page.evaluate(FIGURES_OUTSIDE_THEIR_BOX) == [], width

    # A row of the funnel: its name first, across the box, then each figure under its column's words.
    page.set_viewport_size({"width": 390, "height": 844})
    funnel = page.locator("[data-chart=funnel] table")
    row = funnel.locator("tbody tr:not(.group-row)").first
    name, figures = row.locator("th"), row.locator("td")
    expect(name).to_be_visible()
    for figure in figures.all():
        said = figure.evaluate(LABEL_ABOVE)
        assert said["column"], said
        assert said["column"] in said["words"], said
        assert figure.bounding_box()["y"] >= name.bounding_box()["y"] + name.bounding_box()["height"] - 1
    # The same figure in the same place row after row, to compare down the box.
    second = funnel.locator("tbody tr:not(.group-row)").nth(1).locator("td")
    assert [round(cell.bounding_box()["x"]) for cell in figures.all()] == [
        round(cell.bounding_box()["x"]) for cell in second.all()
    ]
    # A table still, for a screen reader: its header row, its rows, its cells.
    heard = accessible_table(page, "[data-chart=funnel] table")
    rows = funnel.locator("tr").count()
    assert (heard["table"], heard["row"]) == (1, rows)
    assert heard["columnheader"] == funnel.locator("thead th").count() + funnel.locator(".group-row").count()
    assert heard["cell"] == funnel.locator("td").count()

    # On a computer the table as it was: its headers in sight, each row's cells on one line.
    page.set_viewport_size({"width": 1366, "height": 800})
    expect(funnel.locator("thead th").first).to_be_visible()
    tops = {round(cell.bounding_box()["y"]) for cell in row.locator("th, td").all()}
    assert len(tops) == 1
    assert page.evaluate(TABLES_SCROLLING_SIDEWAYS) == []


# Each key figure's value and on how many lines it is drawn.
KEY_FIGURES = """() => [...document.querySelectorAll('.key-figure-value')].map(value => {
  const range = document.createRange();
  range.selectNodeContents(value);
  return [value.innerText, new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size];
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_key_figure_holds_on_one_line(page, school, secretary, season, language):
    """QA: the first answer's median "11 h / 22 min" on two lines in its card, at 1280 px and on a phone."""
    secretary.language = language
    secretary.save()
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/dashboard/")
    durations = {}
    for width in (390, 1024, 1280, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        figures = page.evaluate(KEY_FIGURES)
        assert len(figures) == 6
        # The longest a duration says: "23 h 59 min".
        durations[width] = [figure for figure in figures if re.fullmatch(r"[\d\s h min]+", figure[0]) and figure[1] > 1]
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert durations == {width: [] for width in durations}
