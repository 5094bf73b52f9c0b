"""A secretary's day in the inbox, in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.demo.services import DEMO_PASSWORD, demo_school_ensure
from msem.inquiries.dossier import inquiry_take
from msem.inquiries.models import Category, Inquiry
from msem.inquiries.selectors import subjects_live
from msem.inquiries.services import SubjectLine, subjects_sync
from msem.mailing.models import OutgoingEmail
from msem.platform.first_of_month import date_format
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def inbox(school):
    village = Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
    altitude = Category.objects.create(school=school, code="altitude", label_fr="Altitude", label_en="High resort")
    dossiers = {
        "village": receive_inquiry(school, category=village, first_name="Hélène", last_name="Favre", email="h@x.fr"),
        "altitude": receive_inquiry(school, category=altitude, first_name="John", last_name="Smith", email="j@x.uk"),
        "unsure": receive_inquiry(school, category=altitude, first_name="Léa", last_name="Roux", email="l@x.fr"),
    }
    return dossiers, village, altitude


def log_out(page) -> None:
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/login/")


def test_default_filters_survive_a_new_login_until_cleared(page, school, secretary, inbox, screenshot):
    log_in(page, secretary.email, PASSWORD)
    results = page.locator("#inbox-results")
    expect(results).to_contain_text("3 demandes")

    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.locator("#search-zone")).to_be_visible()
    page.get_by_label("Village").check()
    expect(results).to_contain_text("1 demande")
    expect(results).to_contain_text("Hélène Favre")
    expect(results).not_to_contain_text("John Smith")
    assert "category=village" in page.url
    screenshot(page, "inbox-fr-filtered", full_page=False)

    # One control makes them her default, in the Views menu, said in words (a floppy disk beside the
    # menu did it too, and a "Use as my default" box in the menu's form).
    page.locator(".views-menu summary").click()
    expect(page.get_by_role("button", name="Enregistrer ces filtres par défaut")).to_have_count(1)
    expect(page.get_by_text("En faire mon filtre par défaut")).to_have_count(0)
    page.get_by_role("button", name="Enregistrer ces filtres par défaut").click()
    expect(page.get_by_text("Ces filtres sont désormais vos filtres par défaut")).to_be_visible()
    log_out(page)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/")
    expect(page.locator("#inbox-results")).to_contain_text("1 demande")
    expect(page.locator("#inbox-results")).not_to_contain_text("John Smith")

    page.locator(".views-menu summary").click()
    page.get_by_role("button", name="Réinitialiser mes filtres par défaut").click()
    expect(page.locator("#inbox-results")).to_contain_text("3 demandes")
    page.goto(f"/backoffice/{school.slug}/inquiries/")
    expect(page.locator("#inbox-results")).to_contain_text("3 demandes")


def test_free_text_search_updates_the_list_and_back_works(page, school, secretary, inbox):
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("searchbox", name="Rechercher").fill("helene")
    expect(page.locator("#inbox-results")).to_contain_text("1 demande")
    expect(page).to_have_url(re.compile(r"q=helene"))
    page.go_back()
    expect(page.locator("#inbox-results")).to_contain_text("3 demandes")


def test_reassign_reply_and_archive_from_the_dossier(page, school, secretary, inbox, screenshot):
    dossiers, village, _altitude = inbox
    unsure = dossiers["unsure"]
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("link", name="Léa Roux").click()
    expect(page.get_by_role("heading", name=f"{unsure.reference} · Léa Roux")).to_be_visible()

    expect(page.get_by_role("button", name="Je m’en occupe")).to_be_visible()
    # The "Dossier" panel: the category, in two clicks.
    page.get_by_label("Catégorie").select_option(label="Village")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_text("Le dossier est enregistré.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Catégorie modifiée : Altitude → Village")

    # Reply to the client: the e-mail appears in the timeline.
    page.get_by_label("Votre réponse").fill("Bonjour Léa Roux,\n\nNous avons de la place le 28 décembre à 9 h.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text(f"Votre réponse part vers {unsure.email}.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Réponse au client")
    # Nobody had it: answering made it hers, and "I'll take it" is gone.
    expect(page.get_by_label("Assignée à")).to_have_value(str(secretary.pk))
    expect(page.get_by_role("button", name="Je m’en occupe")).to_have_count(0)
    screenshot(page, "dossier-fr")

    # Back in the list, the new category is in the last column.
    page.get_by_role("link", name="Demandes").first.click()
    row = page.locator("tr", has_text=unsure.reference)
    expect(row.locator("td").last).to_have_text("Village")
    screenshot(page, "inbox-fr", full_page=False)

    # Archive it: it leaves the list.
    page.get_by_role("link", name="Léa Roux").click()
    page.get_by_role("button", name="Archiver").click()
    expect(page.get_by_text("Le dossier est archivé.")).to_be_visible()
    page.get_by_role("link", name="Demandes").first.click()
    expect(page.locator("#inbox-results")).not_to_contain_text(unsure.reference)

    unsure.refresh_from_db()
    assert unsure.category == village
    assert unsure.archived_at is not None
    assert OutgoingEmail.objects.filter(kind="reply", to_email=unsure.email).count() == 1


def test_bulk_archive_from_the_list(page, school, secretary, inbox):
    log_in(page, secretary.email, PASSWORD)
    page.get_by_label("Tout sélectionner").check()
    page.get_by_role("button", name="Archiver la sélection").click()
    expect(page.get_by_text("3 demandes archivées.")).to_be_visible()
    assert Inquiry.objects.filter(archived_at__isnull=True).count() == 0


def test_taking_the_selection_from_the_list(page, secretary, manager, inbox, screenshot):
    dossiers, _village, _altitude = inbox
    colleagues = dossiers["altitude"]
    inquiry_take(school=colleagues.school, actor=manager, inquiry_id=colleagues.pk)
    log_in(page, secretary.email, PASSWORD)
    page.get_by_label("Tout sélectionner").check()
    page.get_by_role("button", name="Je m’occupe de la sélection").click()
    expect(page.get_by_text("2 demandes sont maintenant à vous.")).to_be_visible()
    expect(page.get_by_text("1 demande avait déjà quelqu’un : laissée telle quelle.")).to_be_visible()
    expect(page.locator("tr", has_text="Hélène Favre")).to_contain_text(str(secretary))
    expect(page.locator("tr", has_text="John Smith")).to_contain_text(str(manager))
    screenshot(page, "inbox-selection-taken", full_page=False)


def test_she_lists_the_soonest_arrivals_first_and_sees_each_stay(page, school, secretary, screenshot):
    """The order "Arrivée la plus proche": the stays by arrival date, the requests without one last."""
    today = timezone.localdate()
    receive_inquiry(
        school, first_name="Paul", last_name="Later", arrival_date=today + timedelta(days=40), participants=3
    )
    receive_inquiry(school, first_name="Nina", last_name="Nodate", arrival_date=None, departure_date=None)
    soonest = receive_inquiry(
        school,
        first_name="Sara",
        last_name="Soon",
        arrival_date=today + timedelta(days=2),
        departure_date=today + timedelta(days=2),  # a day's lessons: the day once
        participants=4,
    )
    log_in(page, secretary.email, PASSWORD)
    clients = page.locator(".inbox-table tbody .client-link")
    expect(clients).to_have_text(["Sara Soon", "Nina Nodate", "Paul Later"])  # newest first

    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_label("Ordre").select_option(label="Arrivée la plus proche")
    expect(page).to_have_url(re.compile(r"sort=arrival"))
    expect(clients).to_have_text(["Sara Soon", "Paul Later", "Nina Nodate"])
    first = page.locator(".inbox-table tbody tr").first
    with translation.override("fr"):
        day = date_format(soonest.arrival_date, pgettext("inbox received", "j M"))
    expect(first.locator(".col-stay")).to_have_text(f"{day} · 4 pers.")
    expect(page.locator(".inbox-table tbody tr").last.locator(".col-stay")).to_have_text("2 pers.")
    screenshot(page, "inbox-fr-soonest-arrival", full_page=False)

    # The order stays in the address: the list comes back in it.
    page.reload()
    expect(clients).to_have_text(["Sara Soon", "Paul Later", "Nina Nodate"])
    expect(page.get_by_label("Ordre")).to_have_value("arrival")


def test_the_inbox_in_english(page, school, secretary, inbox, screenshot):
    secretary.language = "en"
    secretary.save()
    page.goto("/backoffice/login/")
    page.locator("#id_email").fill(secretary.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()
    expect(page.locator("#inbox-results")).to_contain_text("3 requests")
    screenshot(page, "inbox-en", full_page=False)
    page.get_by_role("link", name="John Smith").click()
    expect(page.get_by_role("heading", name="Dossier", exact=True)).to_be_visible()
    screenshot(page, "dossier-en")


# A row's cells whose text takes more than one line, and those cut with an ellipsis (title: the whole text).
ROWS_LAYOUT = """() => [...document.querySelectorAll('.inbox-table tbody tr')].map(row => {
  const wrapped = [], cut = [];
  [...row.cells].forEach((cell, index) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
    const line = cell.querySelector('.one-line');
    const height = line ? line.clientHeight : range.getBoundingClientRect().height;
    if (height > lineHeight * 1.5 || cell.scrollWidth > cell.clientWidth + 1) wrapped.push(index);
    if (line && line.scrollHeight > line.clientHeight + 1) cut.push(index);
  });
  return {reference: row.cells[1].innerText, client: row.cells[3].innerText, wrapped, cut};
})"""


# The cells a row may cut, with an ellipsis and the whole text in the title: the subject, the assignee and
# the category (their indexes among the row's cells). The reference, the time, the stay and the status never.
MAY_BE_CUT = {5, 7, 8}
TABLE_OVERFLOW = "(box => box.scrollWidth - box.clientWidth)(document.querySelector('.table-scroll'))"
CUT_TITLES = """() => [...document.querySelectorAll('.inbox-table tbody tr')].flatMap(row => [...row.cells]
  .filter(cell => (line => line && line.scrollHeight > line.clientHeight + 1)(cell.querySelector('.one-line')))
  .map(cell => cell.title ? cell : cell.querySelector('a[title]'))
  .map(titled => titled.title === titled.innerText.trim()))"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_inbox_rows_fit_on_one_line_on_a_laptop(page, language, screenshot):
    """At 1366 x 900, the demo's requests take one line each; the clients' names and stays are whole.

    A wrapped subject or category doubled the rows' height (42 of 50 rows in French, all 50 in English).
    A text longer than its share is cut with an ellipsis, never wrapped, and keeps its whole in a title.
    With the stay's column the table was 165 px short of every text whole at 1366 px: the menu keeps
    its icons up to 1439 px, and the subject, the assignee and the category give their room first;
    never the client's name (but for a name of 80 letters), never the stay.
    """
    school = demo_school_ensure().school
    last_name = "de La Tour d'Auvergne-Lauraguais et de Montmorency-Laval"
    long_name = f"Marie-Charlotte-Éléonore {last_name}"
    receive_inquiry(school, first_name="Marie-Charlotte-Éléonore", last_name=last_name, language="en")
    User.objects.filter(email="manager@demo.test").update(language=language)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "manager@demo.test", DEMO_PASSWORD)
    rows = page.evaluate(ROWS_LAYOUT)
    assert len(rows) == 50
    assert [row for row in rows if row["wrapped"]] == []
    # The long name is cut; of the demo's own texts, only those that may give their room.
    assert 3 in rows[0]["cut"]
    assert [(row["client"], row["cut"]) for row in rows[1:] if set(row["cut"]) - MAY_BE_CUT] == []
    assert set(page.evaluate(CUT_TITLES)) == {True}
    assert page.evaluate(TABLE_OVERFLOW) <= 0
    client = page.locator(".inbox-table tbody tr").first.locator("a.client-link")
    expect(client).to_have_attribute("title", long_name)
    expect(page.get_by_role("link", name=long_name)).to_be_visible()
    screenshot(page, f"inbox-{language}-1366", full_page=False)

    # The widest rows (an archived request "Waiting for the client", received yesterday) by arrival,
    # and with the menu's labels back at 1440 px: nothing scrolls sideways, nothing wraps.
    for width, query in ((1366, "f=1&archived=all&sort=arrival"), (1440, "f=1&archived=all"), (1440, "f=1")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/backoffice/{school.slug}/inquiries/?{query}")
        rows = page.evaluate(ROWS_LAYOUT)
        assert len(rows) == 50
        assert [row for row in rows if row["wrapped"]] == [], (width, query)
        assert [(row["client"], row["cut"]) for row in rows[1:] if set(row["cut"]) - MAY_BE_CUT] == []
        assert page.evaluate(TABLE_OVERFLOW) <= 0, (width, query)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_smaller_laptop_the_menu_gives_its_room_to_the_clients_names(page, language, screenshot):
    """At 1280 px the menu keeps its icons: every demo client's name is whole, on one line.

    With the labelled menu, 1280 px cut "Margaux Simon" to "Margaux…" while the category stayed whole,
    and 1024 px left the client's column its language badge alone.
    """
    demo_school_ensure()
    User.objects.filter(email="manager@demo.test").update(language=language)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "manager@demo.test", DEMO_PASSWORD)

    rows = page.evaluate(ROWS_LAYOUT)
    assert len(rows) == 50
    assert [row for row in rows if row["wrapped"]] == []
    assert [(row["client"], row["cut"]) for row in rows if set(row["cut"]) - MAY_BE_CUT] == []
    assert set(page.evaluate(CUT_TITLES)) <= {True}
    assert page.evaluate(TABLE_OVERFLOW) <= 0
    screenshot(page, f"inbox-{language}-1280", full_page=False)

    # Each icon keeps its link's name, and shows it on hover.
    menu = page.get_by_role("navigation", name="Menu principal" if language == "fr" else "Main menu")
    dashboard = menu.get_by_role("link", name="Tableau de bord" if language == "fr" else "Dashboard")
    expect(dashboard).to_be_visible()
    label = dashboard.locator(".nav-label")
    assert label.bounding_box()["width"] <= 1
    dashboard.hover()
    assert label.bounding_box()["width"] > 40

    page.set_viewport_size({"width": 1024, "height": 800})
    rows = page.evaluate(ROWS_LAYOUT)
    assert [row for row in rows if row["wrapped"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    # Nor does the table scroll sideways in its card: on a tablet across, every text gives, the stay too.
    assert page.evaluate(TABLE_OVERFLOW) <= 0


# Each card's place, and whether its subject is whole.
CARDS_LAYOUT = """() => Array.from(document.querySelectorAll('.inbox-table tbody tr')).map(row => {
  const box = row.getBoundingClientRect();
  const subject = row.querySelector('.col-subject');
  // Cut: clamped (the text taller than its box) or ellipsed (wider), as ROWS_LAYOUT tells it.
  const boxes = [subject, ...subject.querySelectorAll('.one-line')];
  return {x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width),
          display: getComputedStyle(row).display, subject: subject.innerText.trim(),
          cut: boxes.some(box => box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1)};
})"""


def test_on_a_tablet_the_requests_are_cards_two_by_two_their_subjects_whole(page, school, manager, screenshot):
    """QA: at 768 px the eight columns left the subject three letters ("Gro…"); at 820, five."""
    first = subjects_live(school=school).get()
    subjects_sync(
        school=school,
        lines=[SubjectLine(first.pk, "Groupes, clubs et scolaires", "Groups, clubs and schools", school.main_email)],
    )
    for first_name in ("Hélène", "Pierre", "Samuel", "Chloé", "Anaïs"):
        receive_inquiry(school, first_name=first_name, last_name="Favre-Lambert")
    log_in(page, manager.email, PASSWORD)

    for width in (768, 820, 900):
        page.set_viewport_size({"width": width, "height": 1100})
        cards = page.evaluate(CARDS_LAYOUT)
        assert len(cards) == 5
        assert {card["subject"] for card in cards} == {"Groupes, clubs et scolaires"}
        assert [card for card in cards if card["cut"]] == [], width
        # Two by two: the first two side by side, the third under them.
        assert cards[0]["y"] == cards[1]["y"] < cards[2]["y"]
        assert cards[0]["x"] < cards[1]["x"]
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    screenshot(page, "inbox-fr-tablet-900", full_page=False)

    # From 901 px, where the menu stands at the side, the table's columns again.
    page.set_viewport_size({"width": 1024, "height": 800})
    assert {card["display"] for card in page.evaluate(CARDS_LAYOUT)} == {"table-row"}


def test_a_drop_down_menu_closes_on_escape_on_a_click_elsewhere_and_when_the_keyboard_leaves_it(
    page, school, secretary, inbox
):
    """QA: the user menu stayed open over the page's buttons after Escape, a click on the page, or a
    Tab out of it onto the side menu, where the keyboard went on behind the open panel."""
    log_in(page, secretary.email, PASSWORD)
    menu = page.locator("details.user-menu")
    summary = menu.locator("summary")

    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("button", name="Français")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    summary.click()
    expect(menu).to_have_attribute("open", "")
    page.locator("main h1").click()
    expect(menu).not_to_have_attribute("open", "")

    summary.click()
    menu.locator(".menu-title").click()  # a click inside, on its text, keeps it open
    expect(menu).to_have_attribute("open", "")
    menu.get_by_role("button", name="Se déconnecter").focus()  # its last stop
    page.keyboard.press("Tab")
    expect(menu).not_to_have_attribute("open", "")


def test_a_typed_search_is_sent_once_not_again_when_she_leaves_the_field(page, school, secretary, inbox):
    log_in(page, secretary.email, PASSWORD)
    searches: list[str] = []
    page.on("request", lambda request: searches.append(request.url) if "q=Favre" in request.url else None)
    page.get_by_role("button", name="Rechercher").first.click()
    page.locator("#id_q").fill("Favre")
    results = page.locator("#inbox-results")
    expect(results).to_contain_text("1 demande")
    # She moves on to the list: the field's "change" must not fetch the same list again (a second
    # wait, the list redrawn under her pointer as she reaches for the dossier).
    page.locator("h1").click()
    page.wait_for_timeout(800)
    assert len(searches) == 1, searches


# The column headers whose words take more than one line (their text's height against the header's line-height).
HEADERS_WRAPPED = """() => [...document.querySelectorAll('.inbox-table thead th:not(.col-check)')].filter(header => {
  const range = document.createRange();
  range.selectNodeContents(header);
  return range.getBoundingClientRect().height > parseFloat(getComputedStyle(header).lineHeight) * 1.5;
}).map(header => header.innerText.trim())"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_column_header_of_the_inbox_holds_on_one_line(page, language, screenshot):
    """QA: at 1280 px "ASSIGNÉE / À" took two lines, the header row twice as tall as the others' one word.

    From the tablet across (1024 px) to the wide screen, each header on one line, and the table still
    within its card.
    """
    demo_school_ensure()
    User.objects.filter(email="manager@demo.test").update(language=language)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "manager@demo.test", DEMO_PASSWORD)
    for width in (1024, 1280, 1366, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(HEADERS_WRAPPED) == [], width
        assert page.evaluate(TABLE_OVERFLOW) <= 0, width
        assert [row for row in page.evaluate(ROWS_LAYOUT) if row["wrapped"]] == [], width
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, f"inbox-{language}-1280-headers", full_page=False)


# Where a text's first letter stands (its first line's left edge), in the page's pixels.
TEXT_LEFT = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return range.getClientRects()[0].left;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_views_menu_without_a_saved_view_says_so_in_line_with_its_items(page, school, secretary, width, screenshot):
    """QA: "Aucune vue enregistrée pour le moment." stood against the menu's left edge, 10 px left of the
    items below it, a blank line above it."""
    receive_inquiry(school)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, secretary.email, PASSWORD)
    page.locator(".views-menu summary").click()
    panel = page.locator(".views-panel")
    empty = panel.get_by_text("Aucune vue enregistrée pour le moment.")
    expect(empty).to_be_visible()
    default = panel.get_by_role("button", name="Enregistrer ces filtres par défaut")
    label = panel.get_by_text("Enregistrer les critères actuels comme vue")
    lefts = [element.evaluate(TEXT_LEFT) for element in (empty, default, label)]
    assert max(lefts) - min(lefts) <= 1, lefts
    # No more room above the text than the items have above theirs.
    above = empty.evaluate(TEXT_LEFT.replace(".left", ".top")) - panel.bounding_box()["y"]
    assert above <= default.evaluate(TEXT_LEFT.replace(".left", ".top")) - default.bounding_box()["y"] + 12, above
    screenshot(page, f"inbox-fr-{width}-views-menu-empty", full_page=False)
