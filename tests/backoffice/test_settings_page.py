"""The Paramètres page over HTTP: what a manager and a secretary see and can do."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from msem.audit.models import AuditRecord
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.inquiries.models import Category, Subject
from msem.mailing.models import OutgoingEmail
from msem.schools.models import School
from tests.html_forms import flatten, form_data, page_text

pytestmark = pytest.mark.django_db


def settings_url(school: School) -> str:
    return reverse("backoffice:settings", kwargs={"school_slug": school.slug})


def page_data(client: Client, school: School) -> dict[str, list[str]]:
    response = client.get(settings_url(school))
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id="settings-form")


def add_line(data: dict[str, list[str]], prefix: str, **fields: str) -> None:
    """What "+ Ajouter" does in the browser: one more form in the formset."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = [value]
    data[f"{prefix}-{index}-ORDER"] = [str(index + 1)]
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]


def remove_line(data: dict[str, list[str]], prefix: str, index: int) -> None:
    """What "−" does in the browser."""
    data[f"{prefix}-{index}-DELETE"] = ["on"]


def post(client: Client, school: School, data: dict[str, list[str]]):
    return client.post(settings_url(school), flatten(data))


class TestManagerSaves:
    def test_the_page_shows_the_four_sections_in_french(self, manager_client, school):
        response = manager_client.get(settings_url(school))
        page = page_text(response)
        sections = (
            "Contact",
            "Contenu des mails (par défaut)",
            "Catégorie des dossiers",
            "Gestion des catalogues 4807",
        )
        for title in sections:
            assert title in page
        assert "Demande d’informations" in page
        assert "Enregistrer" in page
        assert "Pied du mail" in page

    def test_the_lines_stay_a_table_for_a_screen_reader_when_a_phone_stacks_them(self, manager_client, school):
        """On a phone the rows are grids: explicit roles keep the rows and cells that WebKit drops with `display`."""
        Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
        html = manager_client.get(settings_url(school)).content.decode()
        for section in ("contact-title", "categories-title"):
            table = re.search(
                rf'<table class="lines" role="table" aria-labelledby="{section}">(.*?)</table>', html, re.S
            )
            assert table is not None, section
            rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", table.group(1), re.S)
            assert len(rows) == 2  # the headers and one line
            for row in rows:
                cells = re.findall(r"<t[dh]\b[^>]*>", row)
                assert len(cells) == 5
                assert all('role="cell"' in cell or 'role="columnheader"' in cell for cell in cells), cells
            assert table.group(1).count('role="row"') == 2

    def test_the_page_speaks_english_for_a_user_who_chose_it(self, manager, manager_client, school):
        manager.language = "en"
        manager.save()
        page = page_text(manager_client.get(settings_url(school)))
        assert "Default e-mail texts" in page
        assert ">Save<" in page
        # The glossary's word, as the texts above it say it ("…then the legal footer."): not "E-mail footer".
        assert '<span class="icon-lock" aria-hidden="true"></span>Legal footer</h3>' in page
        # Not "each secretary can save a default filter on hers".
        assert "each member of staff can filter the inbox on their own categories by default." in page
        assert " hers." not in page

    def test_saving_the_four_sections_together(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Cours privés", label_en="Private lessons", email="prives@valneige.test")
        add_line(data, "categories", code="je-ne-sais-pas", label_fr="Je ne sais pas", label_en="I don't know")
        data["acknowledgement_fr_body"] = ["Bonjour {client_name}, merci !"]
        data["catalog_codes"] = ["ce-alpes", "TO-NEIGE"]

        response = post(manager_client, school, data)

        assert response.status_code == 302
        snapshot = commercial_settings_snapshot(school=school)
        assert [s["label_fr"] for s in snapshot["subjects"]] == ["Demande d’informations", "Cours privés"]
        assert snapshot["subjects"][1]["email"] == "prives@valneige.test"
        assert [c["code"] for c in snapshot["categories"]] == ["je-ne-sais-pas"]
        assert snapshot["mail_texts"]["acknowledgement.fr"]["body"] == "Bonjour {client_name}, merci !"
        assert snapshot["catalogs"] == ["CE-ALPES", "TO-NEIGE"]
        followed = manager_client.get(response["Location"])
        assert "Les paramètres ont été enregistrés." in page_text(followed)

    def test_lines_keep_the_order_the_manager_gave_them(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Groupes", label_en="", email="groupes@valneige.test")
        post(manager_client, school, data)
        data = page_data(manager_client, school)
        # ↑ on the second line: the browser swaps the ORDER values.
        data["subjects-0-ORDER"], data["subjects-1-ORDER"] = ["2"], ["1"]

        assert post(manager_client, school, data).status_code == 302

        labels = list(Subject.objects.for_school(school).live().values_list("label_fr", flat=True))
        assert labels == ["Groupes", "Demande d’informations"]

    def test_a_removed_subject_is_kept_for_the_dossiers_that_use_it(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Cours privés", label_en="", email="prives@valneige.test")
        post(manager_client, school, data)
        data = page_data(manager_client, school)
        remove_line(data, "subjects", 0)

        assert post(manager_client, school, data).status_code == 302

        removed = Subject.objects.for_school(school).get(label_fr="Demande d’informations")
        assert removed.removed_at is not None
        assert list(Subject.objects.for_school(school).live().values_list("label_fr", flat=True)) == ["Cours privés"]
        assert "Demande d’informations" not in page_text(manager_client.get(settings_url(school)))

    def test_a_language_whose_form_offers_no_subject_is_pointed_out_after_the_save(self, manager_client, school):
        """QA (a new school): its subjects labelled in French only, the English form had an empty list of
        subjects, a required field, and no English-speaking client could send a request; nothing said so."""
        english_missing = "Votre formulaire anglais ne propose aucun objet"
        assert english_missing not in page_text(manager_client.get(settings_url(school)))
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Cours privés", label_en="", email="prives@valneige.test")
        remove_line(data, "subjects", 0)
        assert post(manager_client, school, data).status_code == 302

        page = page_text(manager_client.get(settings_url(school)))
        assert (
            "Votre formulaire anglais ne propose aucun objet : vos clients ne peuvent pas envoyer de demande "
            "en anglais. Donnez un libellé anglais à au moins un objet."
        ) in page
        assert "Votre formulaire français ne propose aucun objet" not in page
        english_form = page_text(Client().get(f"/en/{school.slug}/contact/"))
        assert "Cours privés" not in english_form  # the empty list of subjects the warning is about

    def test_every_saved_change_writes_an_audit_record_with_before_and_after(self, manager, manager_client, school):
        data = page_data(manager_client, school)
        data["subjects-0-email"] = ["accueil@valneige.test"]

        post(manager_client, school, data)

        record = AuditRecord.objects.for_school(school).get()
        assert record.actor == manager
        assert record.actor_email == manager.email
        assert record.before["subjects"][0]["email"] == "info@valneige.test"
        assert record.after["subjects"][0]["email"] == "accueil@valneige.test"
        history = manager_client.get(reverse("backoffice:settings_history", kwargs={"school_slug": school.slug}))
        page = page_text(history)
        assert "accueil@valneige.test" in page
        assert "info@valneige.test" in page
        assert manager.full_name in page

    def test_the_history_marks_the_words_a_text_lost_and_gained(self, manager_client, school):
        data = page_data(manager_client, school)
        before = data["acknowledgement_fr_body"][0]
        data["acknowledgement_fr_body"] = [
            before.replace("{client_name},", "{client_name}, <script>alert(1)</script> bienvenue !", 1)
        ]
        post(manager_client, school, data)

        page = manager_client.get(reverse("backoffice:settings_history", kwargs={"school_slug": school.slug}))
        html = page.content.decode()
        # In "After" only the typed words are marked, escaped; the rest of the text is as it was.
        marked = '<ins data-said="ajouté\u00a0:"> &lt;script&gt;alert(1)&lt;/script&gt; bienvenue !</ins>'
        assert marked in html
        assert "<script>alert(1)" not in html
        assert "<del>" not in html  # nothing was removed
        assert html.count("<ins ") == 1

    def test_saving_without_changes_writes_no_audit_record(self, manager_client, school):
        data = page_data(manager_client, school)
        assert post(manager_client, school, data).status_code == 302
        assert not AuditRecord.objects.for_school(school).exists()


INVALID_INPUTS = [
    pytest.param({"subjects-0-label_fr": "", "subjects-0-label_en": ""}, "subjects-0-label_fr", id="empty-labels"),
    pytest.param({"subjects-0-email": "pas-une-adresse"}, "subjects-0-email", id="invalid-address"),
    pytest.param({"subjects-0-email": "a@b.test\r\nBcc: x@evil.test"}, "subjects-0-email", id="address-with-crlf"),
    pytest.param({"subjects-0-label_fr": "Objet\r\nBcc: x@evil.test"}, "subjects-0-label_fr", id="label-with-crlf"),
    pytest.param({"subjects-0-label_fr": "x" * 10_000}, "subjects-0-label_fr", id="10000-character-label"),
    pytest.param(
        {"acknowledgement_fr_body": "Bonjour {client_nom}"}, "acknowledgement_fr_body", id="unknown-placeholder"
    ),
    pytest.param(
        {"quote_en_subject": "Quote {payment_link}"}, "quote_en_subject", id="placeholder-not-allowed-for-kind"
    ),
    pytest.param({"acknowledgement_en_body": ""}, "acknowledgement_en_body", id="empty-acknowledgement"),
]


class TestBadInput:
    @pytest.mark.parametrize(("changes", "field"), INVALID_INPUTS)
    def test_an_invalid_field_shows_its_error_next_to_it_and_saves_nothing(
        self, manager_client, school, changes, field
    ):
        data = page_data(manager_client, school)
        add_line(data, "categories", code="village", label_fr="Village", label_en="Village")
        data["catalog_codes"] = ["CE-ALPES"]
        before = commercial_settings_snapshot(school=school)
        for name, value in changes.items():
            data[name] = [value]

        response = post(manager_client, school, data)

        assert response.status_code == 400
        page = page_text(response)
        assert f'id="id_{field}_error"' in page
        assert f'aria-describedby="id_{field}_error"' in page
        assert "Rien n’a été enregistré." in page
        assert commercial_settings_snapshot(school=school) == before
        assert not AuditRecord.objects.exists()

    def test_the_unknown_placeholder_is_named_in_the_error(self, manager_client, school):
        data = page_data(manager_client, school)
        data["acknowledgement_fr_body"] = ["Bonjour {client_nom} de {ecole}"]
        page = page_text(post(manager_client, school, data))
        assert "Variables inconnues\u00a0: {client_nom}, {ecole}." in page

    @pytest.mark.parametrize(
        ("field", "text"),
        [
            ("acknowledgement_fr_subject", "Votre demande reference} bien reçue"),
            ("acknowledgement_fr_body", "Bonne journée {client_name"),
        ],
    )
    def test_a_placeholder_half_typed_is_refused_and_nothing_saved(self, manager_client, school, field, text):
        before = commercial_settings_snapshot(school=school)
        data = page_data(manager_client, school)
        data[field] = [text]

        response = post(manager_client, school, data)

        assert response.status_code == 400
        assert f'id="id_{field}_error"' in (page := page_text(response))
        assert "Une accolade est seule" in page
        assert commercial_settings_snapshot(school=school) == before

    def test_the_summary_at_the_top_links_to_each_field_to_correct(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="", label_en="", email="bad@")
        data["quote_en_body"] = ["See {quote_url}"]

        page = page_text(post(manager_client, school, data))

        summary = page[page.index('id="error-summary"') : page.index('id="settings-form"')]
        label = '<a href="#id_subjects-1-label_fr">Contact, ligne 2 — Libellé FR</a>'
        email = '<a href="#id_subjects-1-email">Contact, ligne 2 — Adresse e-mail</a>'
        assert summary.index(label) < summary.index(email)  # in the order of the line's columns
        assert '<a href="#id_quote_en_body">Envoi de devis (EN) — Texte</a>' in summary
        assert "Variable inconnue\u00a0: {quote_url}." in summary

    def test_the_summary_lists_the_errors_in_the_order_of_the_pages_sections(self, manager_client, school):
        """QA: the categories (section 3) came before the e-mail texts (section 2)."""
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Groupes", label_en="Groups", email="groupes@")
        data["acknowledgement_fr_body"] = ["Bonjour {client_nom}"]
        # An empty code is made from the label now: a code with spaces is the category's error.
        add_line(data, "categories", code="le village", label_fr="Village", label_en="Village")
        data["new_catalog_code"] = ["CE-ALPES"]

        page = page_text(post(manager_client, school, data))

        summary = page[page.index('id="error-summary"') : page.index('id="settings-form"')]
        where = ["Contact, ligne 2", "Contact - Accusé de réception (FR)", "Catégorie des dossiers, ligne 1", "4807"]
        assert all(place in summary for place in where)
        assert [summary.index(place) for place in where] == sorted(summary.index(place) for place in where)

    def test_a_line_being_removed_shows_no_error_of_its_own(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Groupes", label_en="Groups", email="bad@")
        remove_line(data, "subjects", int(data["subjects-TOTAL_FORMS"][0]) - 1)
        data["acknowledgement_fr_body"] = ["Bonjour {client_nom}"]

        page = page_text(post(manager_client, school, data))

        assert "Variable inconnue\u00a0: {client_nom}." in page  # the page came back with the other error
        assert "Saisissez une adresse e-mail valide" not in page

    def test_a_wrong_address_is_refused_in_the_products_words_e_mail_not_courriel(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Groupes", label_en="Groups", email="groupes@")

        page = page_text(post(manager_client, school, data))

        assert "Contact, ligne 2 — Adresse e-mail</a>\u00a0: Saisissez une adresse e-mail valide." in page
        assert "courriel" not in page

    def test_a_subject_without_an_address_says_which_address_is_missing(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "subjects", label_fr="Cours privés", label_en="Private lessons", email="")

        response = post(manager_client, school, data)

        assert response.status_code == 400
        page = page_text(response)
        error = "Saisissez l’adresse qui reçoit les demandes de cet objet."
        assert f"Contact, ligne 2 — Adresse e-mail</a>\u00a0: {error}" in page
        assert "Ce champ est obligatoire" not in page
        assert Subject.objects.for_school(school).count() == 1

    def test_duplicate_category_codes_are_refused(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "categories", code="village", label_fr="Village", label_en="Village")
        add_line(data, "categories", code="Village", label_fr="Village bis", label_en="Village bis")

        response = post(manager_client, school, data)

        assert response.status_code == 400
        assert "Ce code est déjà utilisé par une autre catégorie." in page_text(response)
        assert not Category.objects.exists()

    def test_a_category_without_a_code_gets_one_made_from_its_french_label(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "categories", code="", label_fr="Je ne sais pas", label_en="I don't know yet")
        add_line(data, "categories", code="", label_fr="Côte Soleil", label_en="Sunny side")

        response = post(manager_client, school, data)

        assert response.status_code == 302
        codes = list(Category.objects.for_school(school).live().order_by("position").values_list("code", flat=True))
        assert codes == ["je-ne-sais-pas", "cote-soleil"]

    def test_two_categories_whose_labels_make_the_same_code_are_told_to_type_one(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "categories", code="", label_fr="Village", label_en="Village")
        add_line(data, "categories", code="", label_fr="village", label_en="Village (bis)")

        response = post(manager_client, school, data)

        assert response.status_code == 400
        assert (
            "Une autre catégorie a déjà le code «\u00a0village\u00a0», tiré de ce libellé\u00a0: saisissez un code."
            in page_text(response)
        )
        assert not Category.objects.exists()

    def test_an_invalid_category_code_is_refused(self, manager_client, school):
        data = page_data(manager_client, school)
        add_line(data, "categories", code="je ne sais pas", label_fr="Je ne sais pas", label_en="I don't know")
        response = post(manager_client, school, data)
        assert response.status_code == 400
        assert 'id="id_categories-0-code_error"' in page_text(response)
        assert not Category.objects.exists()

    def test_the_last_subject_cannot_be_removed(self, manager_client, school):
        data = page_data(manager_client, school)
        remove_line(data, "subjects", 0)

        response = post(manager_client, school, data)

        assert response.status_code == 400
        assert "Il doit rester au moins un objet de demande." in page_text(response)
        assert Subject.objects.for_school(school).live().count() == 1

    @pytest.mark.parametrize("codes", [["CE ALPES"], ["-CE"], ["É"], ["X" * 40], ["CE-ALPES", "ce-alpes"]])
    def test_malformed_or_repeated_catalog_codes_are_refused(self, manager_client, school, codes):
        data = page_data(manager_client, school)
        data["catalog_codes"] = codes
        response = post(manager_client, school, data)
        assert response.status_code == 400
        assert commercial_settings_snapshot(school=school)["catalogs"] == []

    def test_a_code_typed_but_not_added_with_enter_is_pointed_out(self, manager_client, school):
        data = page_data(manager_client, school)
        data["new_catalog_code"] = ["CE-ALPES"]
        response = post(manager_client, school, data)
        assert response.status_code == 400
        assert (
            "CE-ALPES n’est pas encore dans la liste\u00a0: appuyez sur Entrée dans le champ pour le vérifier et "
            "l’ajouter, ou videz-le." in page_text(response)
        )

    def test_a_forged_post_cannot_change_the_legal_footer(self, manager_client, school):
        data = page_data(manager_client, school)
        data["legal_footer_fr"] = ["Rien à déclarer"]
        footer_before = school.legal_footer_fr

        response = post(manager_client, school, data)

        assert response.status_code == 400
        assert "Le pied du mail est fixé par les administrateurs" in page_text(response)
        school.refresh_from_db()
        assert school.legal_footer_fr == footer_before

    def test_a_subject_id_of_another_school_is_refused(self, manager_client, school, other_school):
        foreign = Subject.objects.for_school(other_school).get()
        data = page_data(manager_client, school)
        data["subjects-0-id"] = [str(foreign.pk)]
        data["subjects-0-label_fr"] = ["Volé"]

        response = post(manager_client, school, data)

        assert response.status_code == 400
        foreign.refresh_from_db()
        assert foreign.label_fr == "Demande d’informations"
        assert foreign.school_id == other_school.pk

    def test_a_missing_management_form_is_an_error_not_a_crash(self, manager_client, school):
        response = manager_client.post(settings_url(school), {"settings_version": "1"})
        assert response.status_code == 400


class TestPaymentMeans:
    """A new school has no IBAN until the platform's administrators add it; without card payments on the
    platform, its clients could not pay. Said beside the payment request's text while she sets the school up."""

    WARNING = "Vos clients ne peuvent pas encore payer vos demandes de paiement"

    def test_said_beside_the_payment_request_text_with_who_adds_the_bank_details(
        self, manager_client, school, settings
    ):
        settings.MSEM_PAYMENT_SANDBOX = False
        settings.MSEM_STRIPE_SECRET_KEY = ""
        page = page_text(manager_client.get(settings_url(school)))
        payment_request = page[page.index('id="mail-payment_request"') :]
        payment_request = payment_request[: payment_request.index("Pied du mail")]
        assert self.WARNING in payment_request
        assert "Les administrateurs de la plateforme ajoutent vos coordonnées bancaires" in payment_request

    def test_not_said_once_the_school_has_its_iban(self, manager_client, school, settings):
        settings.MSEM_PAYMENT_SANDBOX = False
        settings.MSEM_STRIPE_SECRET_KEY = ""
        school.iban = "FR7630006000011234567890189"
        school.save(update_fields=["iban"])
        assert self.WARNING not in page_text(manager_client.get(settings_url(school)))


class TestSchoolOnThePlatform:
    """What the administrators set (name, addresses, VAT, bank details) was seen nowhere in the back office:
    a manager could not check what her quotes and payment pages print, nor tell that the IBAN was missing."""

    def test_the_manager_reads_what_her_quotes_and_payment_pages_print(self, manager_client, school):
        school.iban = "FR7630006000011234567890189"
        school.bic = "AGRIFRPP"
        school.bank_account_holder = "SARL Glisse Alpine"
        school.save(update_fields=["iban", "bic", "bank_account_holder"])

        page = page_text(manager_client.get(settings_url(school)))
        card = page[page.index('id="school-title"') :]

        assert "Votre école sur la plateforme" in card
        assert "Fixés par les administrateurs de la plateforme" in card
        assert school.name in card
        assert school.main_email in card
        assert "TTC, TVA 20 %" in card
        assert "FR76 3000 6000 0112 3456 7890 189 · BIC AGRIFRPP" in card
        assert "SARL Glisse Alpine" in card
        assert "<input" not in card  # read only, never saved with the form

    def test_without_an_iban_it_says_clients_cannot_pay_by_transfer_in_english(
        self, secretary, secretary_client, school
    ):
        secretary.language = "en"
        secretary.save(update_fields=["language"])

        page = page_text(secretary_client.get(settings_url(school)))
        card = page[page.index('id="school-title"') :]

        assert "Your school on the platform" in card
        assert "None: clients cannot pay by bank transfer." in card
        assert "including VAT, VAT 20%" in card


class TestConcurrentEdits:
    def test_the_second_save_is_refused_and_overwrites_nothing(self, manager_client, school, manager):
        first = page_data(manager_client, school)
        second = page_data(manager_client, school)
        first["subjects-0-label_fr"] = ["Renseignements"]
        assert post(manager_client, school, first).status_code == 302
        second["subjects-0-label_en"] = ["Information"]

        response = post(manager_client, school, second)

        assert response.status_code == 409
        page = page_text(response)
        assert "Quelqu’un d’autre a enregistré ces paramètres" in page
        assert "signalés ci-dessous" not in page  # no field is wrong: nothing to look for below
        assert 'value="Information"' in page  # her edit is still in the page
        assert f'href="{settings_url(school)}"' in page
        subject = Subject.objects.for_school(school).live().get()
        assert (subject.label_fr, subject.label_en) == ("Renseignements", "Request for information")


class TestSecretary:
    def test_sees_the_page_read_only(self, secretary_client, school):
        response = secretary_client.get(settings_url(school))
        page = page_text(response)
        assert response.status_code == 200
        assert "en lecture seule" in page
        assert '<fieldset class="settings-fieldset" disabled>' in page
        assert 'id="save-settings"' not in page
        for how_to_edit in (
            "Appuyez sur Entrée pour ajouter le code.",
            "Conseil\u00a0:",
            "Supprimer un objet le retire",
        ):
            assert how_to_edit not in page

    def test_sees_no_remove_or_order_column(self, manager_client, secretary_client, school):
        """QA: the secretary's tables of subjects and categories began with an empty column (the manager's
        "−") and ended with another (her ↑ ↓): nothing to do there, and the labels pushed aside."""
        Category.objects.create(school=school, code="village", label_fr="Station village", label_en="Village resort")
        columns = ('class="col-remove"', 'class="line-remove"', 'class="col-move"', 'class="line-move"')
        managers = page_text(manager_client.get(settings_url(school)))
        secretarys = page_text(secretary_client.get(settings_url(school)))
        for column in columns:
            assert column in managers
            assert column not in secretarys
        for shown in ('value="Request for information"', 'value="Station village"', ">Libellé FR</th>", ">Code</th>"):
            assert shown in secretarys  # the lines and their headers still

    def test_cannot_save(self, manager_client, secretary_client, school):
        data = page_data(manager_client, school)
        data["subjects-0-label_fr"] = ["Changé par la secrétaire"]
        before = commercial_settings_snapshot(school=school)

        response = post(secretary_client, school, data)

        assert response.status_code == 403
        assert commercial_settings_snapshot(school=school) == before

    def test_cannot_read_the_history(self, secretary_client, school):
        url = reverse("backoffice:settings_history", kwargs={"school_slug": school.slug})
        assert secretary_client.get(url).status_code == 403


class TestPreview:
    def test_composes_text_signature_and_footer_with_example_values(self, manager_client, school):
        data = page_data(manager_client, school)
        data["acknowledgement_en_body"] = ["Hello {client_name}, your reference is {reference}."]
        data["preview_kind"], data["preview_language"] = ["acknowledgement"], ["en"]

        response = manager_client.post(
            reverse("backoffice:settings_preview", kwargs={"school_slug": school.slug}), flatten(data)
        )

        page = page_text(response)
        assert response.status_code == 200
        assert "Hello Claire Martin, your reference is DEM-2026-00042." in page
        assert "The ESF Val Neige team" in page
        assert "ESF Val Neige — The information collected" in page

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            # In French, the space typed before « : » becomes a no-break one, as in every French e-mail.
            ("fr", "Réglez 480,00\u00a0€ ici\u00a0: https://msem.example/fr/pay/…/"),
            ("en", "Réglez €480.00 ici : https://msem.example/en/pay/…/"),
        ],
    )
    def test_amounts_and_links_are_written_as_the_language_of_the_email(
        self, manager_client, school, language, expected
    ):
        data = page_data(manager_client, school)
        data[f"payment_request_{language}_body"] = ["Réglez {amount} ici : {payment_link}"]
        data["preview_kind"], data["preview_language"] = ["payment_request"], [language]

        response = manager_client.post(
            reverse("backoffice:settings_preview", kwargs={"school_slug": school.slug}), flatten(data)
        )

        assert expected in page_text(response)

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("fr", "Demande de paiement — ESF Val Neige (devis DEV-2026-00017)"),
            ("en", "Demande de paiement — ESF Val Neige (quote DEV-2026-00017)"),
        ],
    )
    def test_a_payment_request_subject_line_without_the_quote_gets_its_number(
        self, manager_client, school, language, expected
    ):
        page = page_text(manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": school.slug})))
        assert "L’objet donne toujours le numéro du devis\u00a0: sans {quote_number}, il est ajouté à la fin." in page

        data = page_data(manager_client, school)
        data[f"payment_request_{language}_subject"] = ["Demande de paiement — {school_name}"]
        data["preview_kind"], data["preview_language"] = ["payment_request"], [language]

        response = manager_client.post(
            reverse("backoffice:settings_preview", kwargs={"school_slug": school.slug}), flatten(data)
        )

        assert f'<dd class="preview-subject">{expected}</dd>' in page_text(response)

    def test_reports_an_unknown_placeholder_instead_of_a_preview(self, manager_client, school):
        data = page_data(manager_client, school)
        data["quote_fr_body"] = ["Voici {lien}"]
        data["preview_kind"], data["preview_language"] = ["quote"], ["fr"]
        response = manager_client.post(
            reverse("backoffice:settings_preview", kwargs={"school_slug": school.slug}), flatten(data)
        )
        assert "Variable inconnue\u00a0: {lien}." in page_text(response)

    def test_refuses_an_unknown_kind(self, manager_client, school):
        response = manager_client.post(
            reverse("backoffice:settings_preview", kwargs={"school_slug": school.slug}),
            {"preview_kind": "footer", "preview_language": "fr"},
        )
        assert response.status_code == 400


class TestCatalogCodeCheck:
    def url(self, school: School) -> str:
        return reverse("backoffice:settings_catalog_code", kwargs={"school_slug": school.slug})

    def test_a_well_formed_code_comes_back_as_a_chip(self, manager_client, school):
        response = manager_client.post(self.url(school), {"new_catalog_code": " ce-alpes "})
        page = page_text(response)
        assert 'name="catalog_codes" value="CE-ALPES"' in page
        assert "HX-Retarget" not in response.headers

    def test_without_a_link_to_4807_the_chip_and_the_page_say_the_code_is_not_checked(
        self, manager_client, school, settings
    ):
        settings.MSEM_4807_URL = ""
        chip = page_text(manager_client.post(self.url(school), {"new_catalog_code": "FOO-BAR"}))
        assert "ajouté, non vérifié (aucune liaison avec 4807)" in chip
        assert "Aucune liaison avec 4807 n’est configurée" in page_text(manager_client.get(settings_url(school)))

        settings.MSEM_4807_URL = "https://4807.example/api/v1"
        assert "Aucune liaison avec 4807" not in page_text(manager_client.get(settings_url(school)))

    def test_a_malformed_code_is_refused_with_the_reason(self, manager_client, school):
        response = manager_client.post(self.url(school), {"new_catalog_code": "CE ALPES"})
        assert response.headers["HX-Retarget"] == "#catalog-code-error"
        assert "Un code catalogue 4807 compte de 2 à 32 caractères" in page_text(response)

    def test_a_code_already_listed_is_refused(self, manager_client, school):
        response = manager_client.post(
            self.url(school), {"new_catalog_code": "ce-alpes", "catalog_codes": ["CE-ALPES"]}
        )
        assert "Le catalogue CE-ALPES est déjà dans la liste." in page_text(response)


class TestTestEmail:
    def url(self, school: School) -> str:
        return reverse("backoffice:settings_test_email", kwargs={"school_slug": school.slug})

    def test_the_email_as_typed_goes_to_the_manager_through_the_outbox(self, manager, manager_client, school):
        data = page_data(manager_client, school)
        data["payment_request_en_body"] = ["Please pay {amount} here: {payment_link}"]
        data["preview_kind"], data["preview_language"] = ["payment_request"], ["en"]

        response = manager_client.post(self.url(school), flatten(data))

        assert response.status_code == 200
        email = OutgoingEmail.objects.for_school(school).get()
        assert (email.kind, email.to_email, email.language) == ("test", manager.email, "en")
        assert email.from_email.startswith("ESF Val Neige <")
        assert email.reply_to == school.main_email
        assert email.status == OutgoingEmail.Status.QUEUED
        assert email.subject == "[TEST] Payment request for your quote DEV-2026-00017 — ESF Val Neige"
        assert "Please pay €480.00 here: https://msem.example/en/pay/…/" in email.text_body
        assert "See you soon on the slopes," in email.text_body
        assert f"Un e-mail de test part vers {manager.email}" in page_text(response)
        # Nothing of the typed text was saved: the test does not replace Enregistrer.
        assert "Please pay" not in str(commercial_settings_snapshot(school=school))

    def test_an_invalid_text_sends_nothing(self, manager_client, school):
        data = page_data(manager_client, school)
        data["quote_fr_body"] = ["{lien}"]
        data["preview_kind"], data["preview_language"] = ["quote"], ["fr"]
        response = manager_client.post(self.url(school), flatten(data))
        assert "Variable inconnue\u00a0: {lien}." in page_text(response)
        assert not OutgoingEmail.objects.exists()

    def test_a_secretary_cannot_send_one(self, manager_client, secretary_client, school):
        data = page_data(manager_client, school)
        data["preview_kind"], data["preview_language"] = ["quote"], ["fr"]
        assert secretary_client.post(self.url(school), flatten(data)).status_code == 403
        assert not OutgoingEmail.objects.exists()


class TestTheFormOnTheSchoolsWebsite:
    """Contact → "Your contact form on your website": the form's addresses and the code to paste."""

    def test_gives_each_languages_address_and_its_code(self, manager_client, school, settings):
        settings.MSEM_BASE_URL = "https://msem.example"
        school.website_origins = "https://www.esf-valneige.fr"
        school.save()
        page = page_text(manager_client.get(settings_url(school)))
        assert "Votre formulaire de contact sur votre site" in page
        for language, title in (("fr", "Contactez-nous"), ("en", "Contact us")):
            assert f'href="https://msem.example/{language}/{school.slug}/contact/"' in page
            assert (
                f'<iframe src="https://msem.example/{language}/{school.slug}/contact/" title="{title} — {school.name}" '
                'data-msem-form width="100%" frameborder="0" height="1200"></iframe>\n'
                '<script src="https://msem.example/static/js/embed.js" async></script>'
            ) in page
        assert "Sites autorisés à afficher le formulaire : https://www.esf-valneige.fr." in " ".join(
            re.sub(r"<[^>]+>", "", page).split()
        )
        assert "Copier le code" in page

    def test_the_code_escapes_the_schools_name(self, manager_client, school):
        school.name = 'ESF "Le Bec" <b>'
        school.save()
        html = manager_client.get(settings_url(school)).content.decode()
        # Shown as text in the page, and escaped once more inside the code itself.
        assert "title=&quot;Contactez-nous — ESF &amp;quot;Le Bec&amp;quot; &amp;lt;b&amp;gt;&quot;" in html
        assert "<b>" not in html

    def test_gives_each_subjects_own_address_in_the_languages_that_offer_it(self, manager_client, school, settings):
        settings.MSEM_BASE_URL = "https://msem.example"
        private = Subject.objects.create(
            school=school, label_fr="Cours privés", label_en="", email="p@valneige.test", position=1
        )
        page = page_text(manager_client.get(settings_url(school)))
        assert "Le formulaire sur un seul objet" in page
        assert f'href="https://msem.example/fr/{school.slug}/contact/?subject={private.pk}"' in page
        assert f"/en/{school.slug}/contact/?subject={private.pk}" not in page
        assert "Pas de libellé anglais\u00a0: absent du formulaire anglais." in page
        first = Subject.objects.for_school(school).live().exclude(pk=private.pk).get()
        assert f'href="https://msem.example/en/{school.slug}/contact/?subject={first.pk}"' in page

    def test_says_when_no_website_may_show_the_form_yet(self, manager_client, school):
        school.website_origins = ""
        school.save()
        page = page_text(manager_client.get(settings_url(school)))
        assert "Aucun site n’est encore déclaré pour votre école" in page

    def test_a_secretary_sees_the_code_without_the_copy_button(self, secretary_client, school):
        page = page_text(secretary_client.get(settings_url(school)))
        assert "Votre formulaire de contact sur votre site" in page
        assert "data-msem-form" in page
        assert "Copier le code" not in page

    def test_the_script_the_code_loads_is_served_under_its_plain_name_to_other_sites(self, db):
        # The code stays in schools' websites across deployments: its address carries no hash,
        # and nothing keeps another site from loading it.
        response = Client().get("/static/js/embed.js", headers={"origin": "https://www.esf-valneige.fr"})
        assert response.status_code == 200
        assert "javascript" in response.headers["Content-Type"]
        assert "Cross-Origin-Resource-Policy" not in response.headers
        assert b"msem:height" in b"".join(response.streaming_content)

    def test_tells_the_website_how_to_count_the_requests_sent(self, secretary, secretary_client, school):
        page = page_text(secretary_client.get(settings_url(school)))
        assert "Chaque demande envoyée par le formulaire déclenche <code>msem:request-sent</code> sur le cadre" in page
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        page = page_text(secretary_client.get(settings_url(school)))
        assert "Each request sent through the form fires <code>msem:request-sent</code> on the frame" in page
