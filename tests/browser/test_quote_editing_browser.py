"""A quote built and sent on the busiest morning, in a real browser: each line added or changed
without the page reloading (the "Ski lessons" panel alone comes back), and the e-mail seen before it
leaves.

QA: each product added, each line changed reloaded the whole dossier page, the list of products
fetched again, the page scrolled back; and "Send the quote" sent it unseen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from msem.mailing.models import OutgoingEmail
from msem.quotes.models import Quote
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, product_with_price

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/quote_editing")

WORDS = {
    "fr": {
        "new": "Nouveau devis",
        "add": "Ajouter {name}",
        "added": "Prestation ajoutée.",
        "edit": "Modifier {code}",
        "save": "Enregistrer",
        "changed": "Ligne {code} modifiée.",
        "refused": "La ligne {code} n’a pas été modifiée\u00a0:",
        "preview": "Voir l’e-mail avant l’envoi",
        "receives": "Ce que {email} va recevoir",
        "send": "Envoyer le devis",
        "cancel": "Annuler",
        "sent": "Le devis part vers {email}.",
        "total_two": "567,00\u00a0€",  # 2 × 189 + 189 (private, per person: 1 participant)
        "total_changed": "756,00\u00a0€",  # 3 × 189 + 189
    },
    "en": {
        "new": "New quote",
        "add": "Add {name}",
        "added": "Product added.",
        "edit": "Edit {code}",
        "save": "Save",
        "changed": "Line {code} changed.",
        "refused": "Line {code} was not changed:",
        "preview": "Preview the e-mail",
        "receives": "What {email} will receive",
        "send": "Send the quote",
        "cancel": "Cancel",
        "sent": "The quote is on its way to {email}.",
        "total_two": "€567.00",
        "total_changed": "€756.00",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_lines_added_and_changed_without_a_reload_then_the_email_seen_before_it_leaves(
    page, school, secretary, language
):
    words = WORDS[language]
    secretary.language = language
    secretary.save()
    product_with_price(
        school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", name_en="Group lesson Flocon", price="189.00"
    )
    product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", name_en="Private lesson 2 h", price="189.00")
    inquiry = receive_inquiry(school, language=language, first_name="Claire", last_name="Martin", participants=2)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.get_by_role("button", name=words["new"]).click()
    quote = Quote.objects.get()
    panel = page.locator("#quotes-panel")
    lines = panel.locator("tr.quote-line")
    total = panel.locator("[data-quote-total]")
    # A mark on this very page: a page loaded again would not have it.
    page.evaluate("window.sameDossierPage = true")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))

    # Two lines added, each answered by the panel alone, the keyboard on the line just added.
    names = {"COLL-FLOCON": "Cours collectif Flocon", "PRIV-2H": "Cours privé 2 h"}
    if language == "en":
        names = {"COLL-FLOCON": "Group lesson Flocon", "PRIV-2H": "Private lesson 2 h"}
    for count, code in enumerate(("COLL-FLOCON", "PRIV-2H"), start=1):
        if code == "PRIV-2H":
            panel.locator(".product-search").get_by_label("Participants").fill("1")
        label = words["add"].format(name=names[code])
        # A double click adds it once: the second is dropped while the first is on its way.
        panel.get_by_role("button", name=label).dblclick()
        expect(lines).to_have_count(count)
        expect(panel.get_by_role("button", name=words["edit"].format(code=code))).to_be_focused()
        expect(panel.locator(f"#quote-{quote.pk} .messages [role=status]")).to_have_text(words["added"])
    expect(total).to_have_text(words["total_two"])
    assert quote.lines.count() == 2

    # One line changed: the total follows, the keyboard back on that line's "Edit".
    edit = panel.get_by_role("button", name=words["edit"].format(code="COLL-FLOCON"))
    edit.click()
    line = quote.lines.get(product_code="COLL-FLOCON")
    form = panel.locator(f"#line-edit-{line.pk}")
    form.get_by_label("Participants").fill("3")
    form.get_by_role("button", name=words["save"]).click()
    expect(total).to_have_text(words["total_changed"])
    expect(panel.locator(f"#quote-{quote.pk} .messages [role=status]")).to_have_text(
        words["changed"].format(code="COLL-FLOCON")
    )
    expect(edit).to_be_focused()

    # A change refused: said in the line's form (an alert), the keyboard on the field in error.
    edit.click()
    form.get_by_label("Participants").fill("0")
    form.get_by_role("button", name=words["save"]).click()
    expect(form.get_by_role("alert")).to_contain_text(words["refused"].format(code="COLL-FLOCON"))
    expect(form.get_by_label("Participants")).to_be_focused()
    expect(total).to_have_text(words["total_changed"])

    assert page.evaluate("window.sameDossierPage === true")
    assert loads == []

    # The e-mail before it leaves: in the client's language, with the PDF; "Cancel" sends nothing.
    send_form = panel.locator(".quote-send")
    send_form.get_by_role("button", name=words["preview"]).click()
    preview = panel.locator(f"#send-preview-{quote.pk}")
    expect(preview).to_be_focused()
    expect(preview.get_by_role("heading")).to_be_in_viewport()  # read from its title down
    expect(preview.get_by_role("heading")).to_have_text(words["receives"].format(email=inquiry.email))
    expect(preview.locator(".preview-text")).to_contain_text(
        "Le devis est joint à cet e-mail en PDF."
        if language == "fr"
        else "The quote is attached to this e-mail as a PDF."
    )
    expect(preview.get_by_role("link", name=f"{quote.number}.pdf")).to_have_attribute(
        "href", f"/backoffice/{school.slug}/quotes/{quote.pk}/pdf/"
    )
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        preview.evaluate("element => element.scrollIntoView({block: 'start'})")  # as shown, at that width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"preview-{language}-{width}.png"), caret="initial")
        preview.locator(".send-preview-actions").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"preview-{language}-{width}-end.png"), caret="initial")
    page.set_viewport_size({"width": 1440, "height": 900})

    preview.get_by_role("link", name=words["cancel"]).click()
    expect(preview).to_have_count(0)
    expect(send_form.get_by_role("button", name=words["preview"])).to_be_focused()
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).exists()
    assert page.evaluate("window.sameDossierPage === true")

    # The text changed after its preview: the preview goes, its "Send" with it.
    send_form.get_by_role("button", name=words["preview"]).click()
    # Settled: the keyboard on the preview, as she sees it, before she goes back to the text.
    expect(preview).to_be_focused()
    send_form.locator("textarea[name=body]").press("End")
    send_form.locator("textarea[name=body]").type(" Bonne route jusque chez nous")
    expect(preview).to_have_count(0)

    send_form.get_by_role("button", name=words["preview"]).click()
    expect(preview.locator(".preview-text")).to_contain_text("Bonne route jusque chez nous")
    preview.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_text(words["sent"].format(email=inquiry.email))).to_be_visible()
    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.QUOTE)
    assert "Bonne route jusque chez nous" in email.text_body
    assert Quote.objects.get().status == "sent"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_panel_after_a_line_is_added(page, school, secretary, language, width):
    """Screenshots of the panel swapped in after a product added: message, line, totals, add form."""
    secretary.language = language
    secretary.save()
    product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", name_en="Group lesson Flocon")
    inquiry = receive_inquiry(school, language=language, participants=2)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.get_by_role("button", name=WORDS[language]["new"]).click()
    name = "Group lesson Flocon" if language == "en" else "Cours collectif Flocon"
    page.get_by_role("button", name=WORDS[language]["add"].format(name=name)).click()
    expect(page.locator("#quotes-panel tr.quote-line")).to_have_count(1)
    expect(page.get_by_role("button", name=WORDS[language]["edit"].format(code="COLL-FLOCON"))).to_be_focused()
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"line-added-{language}-{width}.png"), caret="initial")

    # The preview's page of its own, where "Preview the e-mail" leads when the form is sent by the browser
    # itself (no htmx): its "Send the quote" sends the text as previewed.
    with page.expect_navigation():
        page.evaluate(
            "() => { const b = document.querySelector('.quote-send [formaction]'); b.form.requestSubmit(b); }"
        )
    quote = Quote.objects.get()
    title = {
        "fr": f"Devis {quote.number}\u00a0: l’e-mail avant son envoi",
        "en": f"Quote {quote.number}: the e-mail before it leaves",
    }
    expect(page.get_by_role("heading", level=1)).to_have_text(title[language])
    page.screenshot(path=str(SHOTS / f"preview-page-{language}-{width}.png"), caret="initial", full_page=True)
    page.get_by_role("button", name=WORDS[language]["send"]).click()
    expect(page.get_by_text(WORDS[language]["sent"].format(email=inquiry.email))).to_be_visible()
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).count() == 1


@pytest.fixture
def own_page(browser, live_server, settings):
    """A page whose console is read by the test: htmx logs a request that failed, as it should."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def test_a_change_that_does_not_reach_the_server_is_said_and_a_session_ended_goes_to_the_login(
    own_page, school, secretary
):
    page = own_page
    quote = draft_quote(school, secretary)
    line = quote.lines.get()
    log_in(page, secretary.email, PASSWORD)
    dossier = f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/"
    page.goto(dossier)
    remove = page.get_by_role("button", name=f"Retirer {line.product_code}")

    # The connection lost: said in the panel, the keyboard on it; the line is still there.
    page.route("**/quotes/lines/**", lambda route: route.abort())
    remove.click()
    failure = page.locator("#quotes-panel [data-panel-failure]")
    expect(failure).to_have_text(
        "Cette modification n’est pas parvenue au serveur (la connexion a été perdue, ou la page n’est plus à jour). "
        "Rechargez la page et réessayez."
    )
    expect(failure).to_have_attribute("role", "alert")
    expect(failure).to_be_focused()
    page.unroute("**/quotes/lines/**")
    assert quote.lines.exists()

    # Logged out meanwhile: the login page whole, not inside the panel, and back to the dossier after it.
    page.context.clear_cookies(name="sessionid")
    remove.click()
    page.wait_for_url(re.compile(r"/backoffice/login/\?next="))
    page.get_by_label("Adresse e-mail").fill(secretary.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{dossier}")
    expect(page.locator("#quotes-panel tr.quote-line")).to_have_count(1)
    assert quote.lines.exists()
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
