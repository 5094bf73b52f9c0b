"""Every kind of screen checked by axe-core in a real browser, and the public form used with the keyboard.

axe-core (bundled by axe-playwright-python) runs the WCAG 2.1 A and AA rules and
its best practices on each screen as a client or a secretary sees it. A violation
of impact "serious" or "critical" fails the screen's test; the failure message
lists every violation found, the minor and moderate ones too.

Playwright's `page.evaluate` goes through the DevTools protocol, which the pages'
Content-Security-Policy does not apply to: axe runs under the real CSP (and the
console watch of the `page` fixture would report a refused script). The one
exception is the HTML of an e-mail, whose policy is a script-less `sandbox`: that
screen alone is checked in a context that bypasses the CSP.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from msem.inquiries.models import Category
from msem.mailing.models import OutgoingEmail
from msem.quotes.models import Quote
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    return AXE.run(page, options=RULES).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}, {len(violation['nodes'])}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']} {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def _people_type_fast_in_tests(settings):
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0


@pytest.fixture(autouse=True)
def _categories(school):
    """Categories make the form ask for one, and fill the inbox's filters."""
    Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village", position=0)
    Category.objects.create(
        school=school, code="je-ne-sais-pas", label_fr="Je ne sais pas", label_en="I don't know yet", position=1
    )


@pytest.fixture
def dossier(school, manager):
    receive_inquiry(school, language="en", first_name="John", last_name="Smith", email="john@example.uk")
    inquiry = receive_inquiry(school, first_name="Hélène", last_name="Favre", email="helene@example.fr")
    sent_quote(school, manager, inquiry=inquiry)
    return inquiry


def fill_the_form(page) -> None:
    page.locator("#id_subject").select_option(index=1)
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill("claire@example.org")
    page.locator("#id_message").fill("Deux heures de cours privé le 28 décembre ?")


def contact_blank(page, school, language):
    page.goto(f"/{language}/{school.slug}/contact/")


def contact_errors(page, school, language):
    page.goto(f"/{language}/{school.slug}/contact/")
    page.locator("#id_email").fill("not an address")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_focused()


def contact_thanks(page, school, language):
    page.goto(f"/{language}/{school.slug}/contact/")
    fill_the_form(page)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".public-reference")).to_be_visible()


SCREENS: dict[str, Callable] = {}


def screen(name: str):
    def register(function: Callable) -> Callable:
        SCREENS[name] = function
        return function

    return register


for _language in ("fr", "en"):
    screen(f"contact-{_language}")(lambda page, school, _l=_language, **_: contact_blank(page, school, _l))
    screen(f"contact-{_language}-errors")(lambda page, school, _l=_language, **_: contact_errors(page, school, _l))
    screen(f"thanks-{_language}")(lambda page, school, _l=_language, **_: contact_thanks(page, school, _l))


@screen("rate-limited")
def _rate_limited(page, school, settings, **_):
    settings.MSEM_INTAKE_LIMIT_PER_IP = "0/3600"
    page.goto(f"/fr/{school.slug}/contact/")
    fill_the_form(page)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_text("Trop de demandes")).to_be_visible()


@screen("client-quote")
def _client_quote(page, school, dossier, **_):
    quote = Quote.objects.get(inquiry=dossier)
    page.goto(f"/fr/{school.slug}/quote/{quote.link_token}/")


@screen("not-found-fr")
def _not_found_of_a_school(page, school, **_):
    page.goto(f"/fr/{school.slug}/quote/{'x' * 43}/")
    expect(page.get_by_role("heading", name="Cette page est introuvable")).to_be_visible()


@screen("not-found-en")
def _not_found(page, **_):
    page.goto("/en/pay/not-a-valid-payment-link-token/")
    expect(page.get_by_role("heading", name="This page cannot be found")).to_be_visible()


@screen("login")
def _login(page, **_):
    page.goto("/backoffice/login/")


@screen("inbox")
def _inbox(page, school, manager, dossier, **_):
    log_in(page, manager.email, PASSWORD)
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.locator("#search-zone")).to_be_visible()


@screen("dossier")
def _dossier(page, school, manager, dossier, **_):
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")


@screen("quote-editor")
def _quote_editor(page, school, manager, dossier, **_):
    draft_quote(school, manager, inquiry=dossier)
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/")
    expect(page.locator("#quotes-panel")).to_contain_text("Ajouter une prestation")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")


@screen("quote-line-refused")
def _quote_line_refused(page, school, manager, dossier, **_):
    """A line's "Edit" form open, its change refused: the error and the fields beside the line."""
    line = draft_quote(school, manager, inquiry=dossier).lines.get()
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/")
    page.get_by_role("button", name=f"Modifier {line.product_code}").click()
    page.locator(f"#line-participants-{line.pk}").fill("0")
    page.locator(f"#line-edit-{line.pk}").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(f"#line-errors-{line.pk}")).to_be_visible()
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")


@screen("settings")
def _settings(page, school, manager, **_):
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/settings/")
    # Opened, so that the form's addresses and codes for the school's website are checked too.
    page.locator("#form-embedding summary").click()
    expect(page.locator("#form-embedding pre").first).to_be_visible()


@screen("dashboard")
def _dashboard(page, school, manager, dossier, **_):
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/dashboard/")


@screen("emails")
def _emails(page, school, manager, dossier, **_):
    OutgoingEmail.objects.filter(school=school, to_email=dossier.email).update(status=OutgoingEmail.Status.FAILED)
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/emails/?q=example")
    expect(page.locator(".emails-failed")).to_be_visible()


@screen("emails-errors")
def _emails_errors(page, school, manager, **_):
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/emails/?status=lost&kind=nothing")
    expect(page.locator("#status-error")).to_be_visible()


@screen("email")
def _email(page, school, manager, dossier, **_):
    email = OutgoingEmail.objects.filter(school=school).order_by("pk").first()
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/emails/{email.pk}/")


@screen("email-html")
def _email_html(page, school, manager, dossier, browser, **_):
    """The HTML of an e-mail to a client, as the e-mail page frames it (and as her mail client shows it).

    Its Content-Security-Policy ends in `sandbox` without scripts: no script, not even
    Playwright's evaluate, runs in it. This context alone bypasses the CSP, to run axe.
    """
    email = OutgoingEmail.objects.filter(school=school, to_email=dossier.email).order_by("pk").first()
    log_in(page, manager.email, PASSWORD)
    context = browser.new_context(base_url=page.url, bypass_csp=True, viewport={"width": 1366, "height": 900})
    context.add_cookies(page.context.cookies())
    framed = context.new_page()
    framed.goto(f"/backoffice/{school.slug}/emails/{email.pk}/html/")
    return framed


@pytest.mark.parametrize("name", list(SCREENS))
def test_no_serious_accessibility_violation(name, request, page, school, settings):
    fixtures = {"page": page, "school": school, "settings": settings}
    function = SCREENS[name]
    for fixture in ("manager", "dossier", "browser"):
        if fixture in function.__code__.co_varnames:
            fixtures[fixture] = request.getfixturevalue(fixture)
    page.set_viewport_size({"width": 1366, "height": 900})
    checked = function(**fixtures) or page
    if checked is not page:
        request.addfinalizer(checked.context.close)
    page = checked
    page.wait_for_load_state()
    violations = axe_violations(page)
    if os.environ.get("MSEM_AXE_REPORT"):
        folder = ARTIFACTS.parent / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        Path(folder / f"{name}.json").write_text(json.dumps(violations, indent=1))
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True, caret="initial")
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {name} ({page.url}):\n{describe(violations)}"


FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    key: element.id || element.tagName.toLowerCase() + ":" + element.textContent.trim(),
    ring: style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


@pytest.mark.parametrize(
    ("language", "switch", "button"), [("fr", "English", "Envoyer ma demande"), ("en", "Français", "Send my request")]
)
def test_the_keyboard_reaches_every_field_then_the_button_with_a_visible_focus(page, school, language, switch, button):
    page.goto(f"/{language}/{school.slug}/contact/")
    reached: list[dict] = []
    for _press in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if reached and reached[-1]["key"] == focused["key"]:
            continue  # Tab walks the day, month and year of a date field: one field
        reached.append(focused)
        if focused["key"].startswith("button:"):
            break
    assert [focused["key"] for focused in reached] == [
        f"a:{switch}",
        "id_subject",
        "id_category",
        "id_first_name",
        "id_last_name",
        "id_email",
        "id_phone",
        "id_arrival_date",
        "id_departure_date",
        "id_participants",
        "id_message",
        f"button:{button}",
    ]  # and never the robots' trap, hidden from people
    assert [focused["key"] for focused in reached if not focused["ring"]] == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_errors_are_announced_and_tied_to_their_fields(page, school, language):
    contact_errors(page, school, language)
    summary = page.locator("#form-errors")
    expect(summary).to_have_attribute("role", "alert")
    invalid = page.locator("[aria-invalid=true]")
    # The required fields left empty, and the address that is not one.
    expect(invalid).to_have_count(6)
    for index in range(invalid.count()):
        field = invalid.nth(index)
        error_id = field.get_attribute("aria-describedby")
        assert error_id, field.get_attribute("id")
        expect(page.locator(f"#{error_id}")).not_to_be_empty()
        expect(page.locator(f"label[for={field.get_attribute('id')}]")).to_be_visible()
    # From the summary, Tab leads on to the fields to correct.
    page.keyboard.press("Tab")
    expect(page.locator("#id_subject")).to_be_focused()


OPAQUE_RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const alpha = style.outlineColor.startsWith("rgba") ? parseFloat(style.outlineColor.split(",")[3]) : 1;
  return {
    key: element.tagName.toLowerCase() + ":" + (element.getAttribute("aria-label") || element.textContent.trim()),
    ring: style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2 && alpha === 1,
  };
}"""


def test_in_the_back_office_every_keyboard_stop_shows_a_solid_ring(page, school, manager, dossier):
    log_in(page, manager.email, PASSWORD)
    reached = []
    for _press in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(OPAQUE_RING)
        if focused["key"].startswith("body:"):
            break  # past the page's last stop, into the browser's own
        reached.append(focused)
    assert len({focused["key"] for focused in reached}) > 15  # the top bar, the menu, the inbox's tools and rows
    assert [focused["key"] for focused in reached if not focused["ring"]] == []
