"""The public contact form in a real browser: FR and EN, a submission, and inside a school's website."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from msem.inquiries.models import Inquiry
from msem.mailing.models import OutgoingEmail
from msem.public_site.embedding import contact_form_embeddings
from tests.mailing.smtp_server import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _people_type_fast_in_tests(settings):
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0


def fill_the_form(frame, *, first_name: str, email: str, message: str) -> None:
    frame.locator("#id_subject").select_option(index=1)
    frame.locator("#id_first_name").fill(first_name)
    frame.locator("#id_last_name").fill("Martin")
    frame.locator("#id_email").fill(email)
    frame.locator("#id_participants").fill("2")
    frame.locator("#id_message").fill(message)


def test_a_client_sends_a_request_in_french(page, school, screenshot):
    page.goto(f"/fr/{school.slug}/contact/")
    expect(page.get_by_role("heading", name="Contactez-nous")).to_be_visible()
    screenshot(page, "contact-fr")
    fill_the_form(page, first_name="Claire", email="claire@example.org", message="Cours privés pour deux enfants ?")
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.get_by_role("heading", name="Merci, votre demande a bien été envoyée")).to_be_visible()
    inquiry = Inquiry.objects.get()
    expect(page.locator(".public-reference")).to_have_text(inquiry.reference)
    screenshot(page, "contact-fr-thanks")
    assert OutgoingEmail.objects.count() == 2


def test_errors_are_shown_next_to_the_fields_and_announced(page, school, screenshot):
    page.goto(f"/en/{school.slug}/contact/")
    page.get_by_role("button", name="Send my request").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your request has not been sent.")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_be_visible()
    screenshot(page, "contact-en-errors")
    assert not Inquiry.objects.exists()


def test_the_form_works_with_the_keyboard_alone(page, school):
    page.goto(f"/en/{school.slug}/contact/")
    page.locator("#id_subject").focus()
    page.keyboard.press("ArrowDown")
    for value in ("John", "Smith", "john@example.com"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.locator("#id_message").focus()
    page.keyboard.type("Two hours of private lesson on 28 December?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you, your request has been sent")).to_be_visible()
    assert Inquiry.objects.get().first_name == "John"


class _SchoolWebsite(BaseHTTPRequestHandler):
    """A school's page about contacting it, holding `content` between its own text."""

    content = ""

    def do_GET(self) -> None:
        body = (
            '<!doctype html><html><head><meta charset="utf-8"><title>ESF Val Neige</title></head><body>'
            "<h1>ESF Val Neige — Nous contacter</h1><p>Écrivez-nous, nous répondons sous 24 heures.</p>"
            # A long page after the form, as school sites have: the thank-you page must be brought into view.
            f'{self.content}<footer style="height: 2000px"><p>ESF Val Neige, 73000 Val Neige</p></footer>'
            "</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def school_website(school, live_server, settings) -> Iterator[str]:
    """The school's website, declared as its origin: another site than the application's (localhost
    vs 127.0.0.1), where the form must work without our cookies, as in a school's real website."""
    settings.MSEM_BASE_URL = live_server.url  # the code the Paramètres page gives points here
    port = free_port()
    school.website_origins = f"http://localhost:{port}"
    school.save()
    website = ThreadingHTTPServer(("127.0.0.1", port), _SchoolWebsite)
    threading.Thread(target=website.serve_forever, daemon=True).start()
    yield f"http://localhost:{port}/"
    website.shutdown()


def test_the_form_inside_an_iframe_of_the_schools_declared_website(
    page, school, live_server, school_website, screenshot
):
    form_url = f"{live_server.url}/fr/{school.slug}/contact/"
    _SchoolWebsite.content = f'<iframe src="{form_url}" title="Formulaire" width="800" height="1100"></iframe>'
    page.goto(school_website)
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Contactez-nous")).to_be_visible()
    fill_the_form(frame, first_name="Léa", email="lea@example.org", message="Un groupe de 12 en février ?")
    frame.get_by_role("button", name="Envoyer ma demande").click()
    expect(frame.get_by_role("heading", name="Merci, votre demande a bien été envoyée")).to_be_visible()
    screenshot(page, "contact-fr-in-iframe")
    assert Inquiry.objects.get().first_name == "Léa"


def _frame_height(page) -> float:
    return page.locator("iframe[data-msem-form]").evaluate("frame => frame.getBoundingClientRect().height")


def _inner_scroll(frame_page) -> tuple[int, int]:
    """The framed page's scrollable height and what the frame shows of it."""
    return frame_page.evaluate("[document.documentElement.scrollHeight, document.documentElement.clientHeight]")


def test_the_pasted_code_gives_the_frame_the_forms_height_and_no_scroll_bar(page, school, school_website, screenshot):
    # The website counts the requests sent, for its statistics (and the test, the framed pages shown).
    counter = (
        '<script>window.sent = 0; document.addEventListener("msem:request-sent", () => window.sent++);'
        "window.pages = 0; window.addEventListener('message', e => { if (e.data.newPage) window.pages++; });"
        "</script>"
    )
    _SchoolWebsite.content = counter + contact_form_embeddings(school)[0].code
    page.goto(school_website)
    frame = page.frame_locator("iframe[data-msem-form]")
    expect(frame.get_by_role("heading", name="Contactez-nous")).to_be_visible()
    framed = page.frames[1]

    def shows_all_of_it() -> bool:
        scroll_height, client_height = _inner_scroll(framed)
        return scroll_height <= client_height

    # The pasted code says 1200 px; the form is shorter and takes its own height.
    page.wait_for_function("document.querySelector('iframe[data-msem-form]').style.height !== ''")
    blank_height = _frame_height(page)
    assert blank_height != 1200
    assert shows_all_of_it()
    screenshot(page, "contact-fr-embedded")

    # The errors make the form longer: the frame follows.
    frame.get_by_role("button", name="Envoyer ma demande").click()
    expect(frame.locator("#form-errors")).to_be_visible()
    page.wait_for_function(f"document.querySelector('iframe[data-msem-form]').offsetHeight > {blank_height}")
    assert shows_all_of_it()
    assert page.evaluate("window.sent") == 0  # a page of errors is no request sent

    # The thank-you page is short: the frame shrinks, and is brought into view.
    fill_the_form(frame, first_name="Léa", email="lea@example.org", message="Un groupe de 12 en février ?")
    frame.get_by_role("button", name="Envoyer ma demande").focus()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    frame.get_by_role("button", name="Envoyer ma demande").press("Enter")
    expect(frame.get_by_role("heading", name="Merci, votre demande a bien été envoyée")).to_be_visible()
    page.wait_for_function("document.querySelector('iframe[data-msem-form]').offsetHeight < 600")
    framed = page.frames[1]
    assert shows_all_of_it()
    assert page.locator("iframe[data-msem-form]").evaluate("frame => frame.getBoundingClientRect().top") > -1
    screenshot(page, "contact-fr-embedded-thanks")
    assert page.evaluate("window.sent") == 1

    # Reloading the thank-you page, or opening its address again, sends no second request: not counted.
    thanks_url = framed.url
    for again in ("location.reload()", f"location.assign({thanks_url!r})"):
        pages = page.evaluate("window.pages")
        framed.evaluate(again)
        page.wait_for_function(f"window.pages > {pages}")
        framed = page.frames[1]
        expect(frame.get_by_role("heading", name="Merci, votre demande a bien été envoyée")).to_be_visible()
    assert page.evaluate("window.sent") == 1

    # A message from anything but the form's own pages does not size the frame.
    before = _frame_height(page)
    page.evaluate("window.postMessage({type: 'msem:height', height: 5000, newPage: false}, '*')")
    page.wait_for_timeout(300)
    assert _frame_height(page) == before
    assert Inquiry.objects.get().first_name == "Léa"


def _link_colours(page) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('.public-card a')]"
        ".map(a => [a.textContent.trim(), getComputedStyle(a).color]))"
    )


def test_every_link_of_the_clients_pages_is_in_the_schools_blue(page, school, settings):
    """QA: "Send another request", "Back to the form" and the not-found page's address were the
    browser's own blue (#0000ee), beside the footer's address in the pages' blue."""
    accent = "rgb(29, 111, 216)"
    page.goto(f"/en/{school.slug}/contact/")
    fill_the_form(page, first_name="Emma", email="emma@example.org", message="Private lessons for two?")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("link", name="Send another request")).to_be_visible()
    assert set(_link_colours(page).values()) == {accent}, _link_colours(page)

    page.goto(f"/en/{school.slug}/quote/{'x' * 43}/")
    expect(page.get_by_role("heading", name="This page cannot be found")).to_be_visible()
    # Its address is on the alert's pink: the darker blue, for the contrast.
    assert set(_link_colours(page).values()) == {"rgb(21, 88, 176)"}, _link_colours(page)

    settings.MSEM_INTAKE_LIMIT_PER_IP = "0/3600"
    page.goto(f"/en/{school.slug}/contact/")
    fill_the_form(page, first_name="Emma", email="emma@example.org", message="Private lessons for two?")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("link", name="Back to the form")).to_be_visible()
    assert set(_link_colours(page).values()) == {accent}, _link_colours(page)
