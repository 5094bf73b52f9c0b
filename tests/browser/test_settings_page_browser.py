"""The Paramètres page in a real browser, as a manager and as a secretary use it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from msem.catalog.models import Catalog
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.public_site.embedding import contact_form_embeddings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import catalog, draft_quote, product_with_price, sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_settings(page, school) -> None:
    page.goto(f"/backoffice/{school.slug}/settings/")
    expect(page.get_by_role("heading", name="Paramètres", exact=True)).to_be_visible()


def test_a_manager_configures_the_four_sections_and_finds_them_after_a_reload(page, school, manager, screenshot):
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    contact = page.locator("#contact")

    # Contact: add a subject, then remove the original one with its "−".
    contact.get_by_role("button", name="+ Ajouter").click()
    new_line = contact.locator("tbody[data-lines=subjects] tr").last
    expect(new_line.get_by_label("Libellé FR")).to_be_focused()
    new_line.get_by_label("Libellé FR").fill("Cours privés")
    new_line.get_by_label("Libellé EN").fill("Private lessons")
    new_line.get_by_label("Adresse e-mail").fill("prives@valneige.test")
    contact.locator("tbody[data-lines=subjects] tr").first.get_by_role("button", name="Supprimer cette ligne").click()
    expect(contact.locator("tbody[data-lines=subjects] tr").first).to_have_class(re.compile("is-removed"))

    # Categories: add "Je ne sais pas".
    categories = page.locator("#categories")
    categories.get_by_role("button", name="+ Ajouter").click()
    line = categories.locator("tbody tr").last
    line.get_by_label("Code").fill("je-ne-sais-pas")
    line.get_by_label("Libellé FR").fill("Je ne sais pas")
    line.get_by_label("Libellé EN").fill("I don't know yet")

    # Catalogs: type a code and press Enter.
    code_input = page.get_by_label("Code du catalogue 4807")
    code_input.fill("ce-alpes")
    code_input.press("Enter")
    expect(page.locator("#catalog-chips")).to_contain_text("CE-ALPES")
    expect(code_input).to_have_value("")

    # A malformed code is refused next to the input, and adds no chip.
    code_input.fill("CE ALPES")
    code_input.press("Enter")
    expect(page.locator("#catalog-code-error")).to_contain_text("Un code catalogue 4807")
    expect(page.locator("#catalog-chips [data-chip]")).to_have_count(1)
    code_input.fill("")

    # The French acknowledgement, and its preview.
    page.locator("#id_acknowledgement_fr_body").fill("Bonjour {client_name},\n\nBien reçu : {reference}.")
    page.get_by_role("button", name="Aperçu FR").first.click()
    preview = page.locator("#mail-preview-acknowledgement")
    expect(preview).to_contain_text("Bonjour Claire Martin,")
    expect(preview).to_contain_text("Bien reçu : DEM-2026-00042.")
    expect(preview).to_contain_text("L’équipe ESF Val Neige")
    screenshot(page, "settings-fr-before-save")

    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les paramètres ont été enregistrés.")).to_be_visible()

    page.reload()
    contact_inputs = page.locator(
        "#contact tbody[data-lines=subjects] input[type=text], #contact tbody[data-lines=subjects] input[type=email]"
    )
    expect(contact_inputs).to_have_count(3)
    expect(contact_inputs.nth(0)).to_have_value("Cours privés")
    expect(page.locator("#categories tbody input").first).to_be_visible()
    expect(page.locator("#categories")).not_to_contain_text("Aucune")
    assert page.locator("#categories tbody input[name$='-code']").input_value() == "je-ne-sais-pas"
    expect(page.locator("#catalog-chips")).to_contain_text("CE-ALPES")
    acknowledgement = "Bonjour {client_name},\n\nBien reçu : {reference}."
    expect(page.locator("#id_acknowledgement_fr_body")).to_have_value(acknowledgement)
    screenshot(page, "settings-fr")

    snapshot = commercial_settings_snapshot(school=school)
    assert [s["label_fr"] for s in snapshot["subjects"]] == ["Cours privés"]
    assert snapshot["catalogs"] == ["CE-ALPES"]


def test_the_page_in_english(page, school, manager, screenshot):
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Default e-mail texts")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    screenshot(page, "settings-en")
    page.locator("#mail-footer").scroll_into_view_if_needed()
    screenshot(page, "settings-en-viewport", full_page=False)


def test_an_invalid_line_shows_its_error_next_to_the_field_and_nothing_is_saved(page, school, manager, screenshot):
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    before = commercial_settings_snapshot(school=school)
    contact = page.locator("#contact")
    contact.get_by_role("button", name="+ Ajouter").click()
    line = contact.locator("tbody[data-lines=subjects] tr").last
    line.get_by_label("Libellé FR").fill("Groupes")
    line.get_by_label("Adresse e-mail").fill("groupes@@valneige")
    page.locator("#id_quote_en_body").fill("See {quote_url}")

    page.get_by_role("button", name="Enregistrer").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Rien n’a été enregistré.")
    email = page.locator("#contact tbody[data-lines=subjects] tr").last.get_by_label("Adresse e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{email.get_attribute('aria-describedby')}")).to_contain_text("adresse e-mail valide")
    expect(page.locator("#id_quote_en_body_error")).to_contain_text("{quote_url}")
    # The input is kept so that it can be corrected.
    expect(email).to_have_value("groupes@@valneige")
    screenshot(page, "settings-fr-errors")
    assert commercial_settings_snapshot(school=school) == before


def test_a_secretary_sees_the_settings_but_cannot_save(page, school, secretary, screenshot):
    log_in(page, secretary.email, PASSWORD)
    open_settings(page, school)
    expect(page.get_by_text("Vous les consultez en lecture seule.")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer")).to_have_count(0)
    expect(page.locator("#contact").get_by_role("button", name="+ Ajouter")).to_be_hidden()
    expect(page.locator("#id_subjects-0-label_fr")).to_be_disabled()
    screenshot(page, "settings-fr-secretary")


def test_a_manager_copies_the_code_that_shows_the_form_on_her_website(page, school, manager, live_server, screenshot):
    school.website_origins = "https://www.esf-valneige.fr"
    school.save()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    embedding = page.locator("#form-embedding")
    embedding.get_by_text("Votre formulaire de contact sur votre site").click()
    french = embedding.locator('[data-language="fr"]')
    expect(french.get_by_role("link")).to_have_text(re.compile(rf"/fr/{school.slug}/contact/$"))
    expect(embedding).to_contain_text("Sites autorisés à afficher le formulaire : https://www.esf-valneige.fr.")
    embedding.scroll_into_view_if_needed()
    screenshot(page, "settings-form-embedding-fr", full_page=False)

    french.get_by_role("button", name="Copier le code").click()
    expect(french.get_by_role("button", name="Copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == contact_form_embeddings(school)[0].code

    # Copying is not an edit: the page is left without the unsaved-changes warning.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    page.get_by_text("Your contact form on your website").click()
    expect(page.locator("#form-embedding [data-language=en]")).to_contain_text("The form in English")
    page.locator("#form-embedding").scroll_into_view_if_needed()
    screenshot(page, "settings-form-embedding-en", full_page=False)


def test_removing_a_catalog_that_quotes_use_asks_first(page, school, manager, screenshot):
    tour_operator = catalog(school, code="TO-NEIGE", name="Neige & Soleil Voyages")
    catalog(school, code="CE-ALPES", name="CE des Alpes")
    lines = [(product_with_price(school, price="170.00", catalog=tour_operator), tour_operator, 2, 1)]
    draft_quote(school, manager, lines=lines)
    sent_quote(school, manager, lines=lines)
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    chips = page.locator("#catalog-chips [data-chip]")
    used = chips.filter(has_text="TO-NEIGE")
    expect(used).to_contain_text("Utilisé : 2 devis en cours, dont 1 brouillon")
    page.locator("#catalogs").scroll_into_view_if_needed()
    screenshot(page, "settings-catalog-in-use", full_page=False)

    questions: list[str] = []

    def answer(accept: bool):
        def on_dialog(dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", on_dialog)

    # "Cancel": the chip stays.
    answer(accept=False)
    used.get_by_role("button", name="Retirer le catalogue TO-NEIGE").click()
    assert questions[-1].startswith("Retirer le catalogue TO-NEIGE à l’enregistrement de la page\u202f?")
    expect(chips).to_have_count(2)

    # A catalog nothing uses goes without a question.
    chips.filter(has_text="CE-ALPES").get_by_role("button").click()
    expect(chips).to_have_count(1)
    assert len(questions) == 1

    # "OK": the chip goes, and the catalog with the save; its quotes keep it.
    answer(accept=True)
    used.get_by_role("button", name="Retirer le catalogue TO-NEIGE").click()
    expect(chips).to_have_count(0)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les paramètres ont été enregistrés.")).to_be_visible()
    assert not Catalog.objects.for_school(school).live().exists()


def test_every_kind_of_field_in_error_is_outlined_in_red_not_only_the_text_areas(page, school, manager):
    """A text, e-mail or date input in error is outlined like a text area in error: the eye finds it."""
    log_in(page, manager.email, PASSWORD)
    open_settings(page, school)
    page.locator("#id_acknowledgement_fr_subject").fill("Bien reçu {reference")
    page.locator("#id_acknowledgement_fr_body").fill("Bonjour {nom_client},")
    page.locator("#contact tbody[data-lines=subjects] tr").first.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer").click()

    subject = page.locator("#id_acknowledgement_fr_subject")
    address = page.locator("#contact tbody[data-lines=subjects] tr").first.get_by_label("Adresse e-mail")
    body = page.locator("#id_acknowledgement_fr_body")
    for field in (subject, address, body):
        expect(field).to_have_attribute("aria-invalid", "true")
    red = body.evaluate("e => getComputedStyle(e).borderTopColor")
    untouched = page.locator("#id_acknowledgement_en_subject").evaluate("e => getComputedStyle(e).borderTopColor")
    assert red != untouched
    assert subject.evaluate("e => getComputedStyle(e).borderTopColor") == red
    assert address.evaluate("e => getComputedStyle(e).borderTopColor") == red
