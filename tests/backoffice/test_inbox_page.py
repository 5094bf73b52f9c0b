"""The inbox and the dossier page over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from msem.accounts.models import Membership
from msem.accounts.team import membership_invite
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create, season_start
from msem.inquiries.dossier import inquiry_take
from msem.inquiries.models import Category, Inquiry, InquiryEvent, SavedFilter, Subject
from msem.inquiries.saved_filters import inbox_default_filter, inbox_default_set, saved_filter_save
from msem.inquiries.selectors import categories_live, subjects_live
from msem.mailing.models import OutgoingEmail
from tests.html_forms import flatten, form_data, page_text
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def inbox_url(school, query: str = "") -> str:
    url = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    return f"{url}?{query}" if query else url


def dossier_url(inquiry, action: str = "") -> str:
    name = f"backoffice:inquiry_{action}" if action else "backoffice:inquiry"
    return reverse(name, kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})


@pytest.fixture
def village(school):
    return Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village resort")


def reply_form(response, inquiry) -> dict[str, list[str]]:
    """The "Answer the client" form as the dossier page offers it."""
    page = response.content.decode()
    return form_data(page[page.index('<form method="post" action="' + dossier_url(inquiry, "reply")) :])


def bulk_dossiers(school, count: int, staff) -> None:
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=staff
    )
    rows = list(
        generate_inquiries(school, choices, count=count, start=season_start(timezone.localdate()), end=timezone.now())
    )
    inquiries_bulk_create(school, rows)


class TestList:
    def test_a_new_schools_empty_inbox_sends_its_manager_to_the_settings(
        self, manager_client, secretary_client, school
    ):
        settings_link = f'<a href="/backoffice/{school.slug}/settings/#contact">Paramètres</a>'

        manager_page = page_text(manager_client.get(inbox_url(school)))
        secretary_page = page_text(secretary_client.get(inbox_url(school)))

        assert "Aucune demande pour le moment" in manager_page
        assert f"vérifiez vos objets de demande et l’adresse de chacun dans les {settings_link}" in manager_page
        # A secretary cannot change them: the inbox does not send her there.
        assert "Aucune demande pour le moment" in secretary_page
        assert settings_link not in secretary_page

    def test_shows_the_dossiers_with_the_category_in_the_last_column(self, secretary_client, school, village):
        inquiry = receive_inquiry(school, category=village, first_name="Hélène", last_name="Favre")
        page = page_text(secretary_client.get(inbox_url(school)))
        assert inquiry.reference in page
        assert "Hélène Favre" in page
        row = page[page.index(inquiry.reference) :]
        row = row[: row.index("</tr>")]
        # The category's text, and its whole in the title (a long one is cut with an ellipsis).
        assert (
            row.rstrip().rsplit("<td", 1)[1] == ' role="cell" class="col-category" data-label="Catégorie"'
            ' title="Village"><span class="one-line">Village</span></td>'
        )

    def test_the_language_and_archive_filters_say_toutes(self, secretary_client, school):
        page = secretary_client.get(inbox_url(school, "f=1")).content.decode()
        for name in ("language", "archived"):
            select = page[page.index(f'<select name="{name}"') :].split("</select>")[0]
            assert ">Toutes</option>" in select, name
            assert ">Tous</option>" not in select, name

    def test_filters_travel_in_the_url_and_htmx_gets_only_the_results(self, secretary_client, school, village):
        in_village = receive_inquiry(school, category=village, email="v@example.org")
        Inquiry.objects.filter(pk=receive_inquiry(school, category=village, email="o@example.org").pk).update(
            category=None
        )
        response = secretary_client.get(inbox_url(school, "f=1&category=village"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        page = page_text(response)
        assert "<html" not in page
        assert in_village.reference in page
        assert "1 demande" in page
        full = secretary_client.get(inbox_url(school, "f=1&category=village"))
        assert "<html" in page_text(full)
        assert 'value="village" checked' in full.content.decode() or "checked" in full.content.decode()

    @pytest.mark.parametrize(
        "query",
        [
            "category=nowhere",
            "status=sleeping",
            "subject=999999",
            "assignee=abc",
            "language=de",
            "received_from=31/02/2026",
            "received_from=2026-12-10&received_to=2026-12-01",
            "archived=maybe",
            "sort=nearest",
            "after=garbage",
            "q=" + "x" * 201,
        ],
    )
    def test_bad_criteria_get_a_clear_error_and_no_rows(self, secretary_client, school, query):
        inquiry = receive_inquiry(school)
        response = secretary_client.get(inbox_url(school, f"f=1&{query}"))
        assert response.status_code == 400
        page = page_text(response)
        assert "Ces critères ne peuvent pas être utilisés" in page
        assert inquiry.reference not in page

    def test_the_number_of_queries_does_not_grow_with_the_dossiers(self, secretary, secretary_client, school, village):
        bulk_dossiers(school, 5, [secretary])
        secretary_client.get(inbox_url(school, "f=1"))  # the first visit writes the session: not counted
        with CaptureQueriesContext(connection) as small:
            assert secretary_client.get(inbox_url(school, "f=1")).status_code == 200
        bulk_dossiers(school, 495, [secretary])
        with CaptureQueriesContext(connection) as large:
            assert secretary_client.get(inbox_url(school, "f=1")).status_code == 200
        with CaptureQueriesContext(connection) as filtered:
            query = "f=1&category=village&status=new&status=in_progress&language=fr&archived=all"
            assert secretary_client.get(inbox_url(school, query)).status_code == 200
        with CaptureQueriesContext(connection) as searched:
            query = "f=1&category=village&status=new&status=in_progress&q=cours&language=fr"
            assert secretary_client.get(inbox_url(school, query)).status_code == 200
        assert len(small) == len(large) == len(filtered)
        # On SQLite, a search first asks the trigram index how many rows hold the term (up to a few hundred).
        assert len(searched) == len(large) + (connection.vendor == "sqlite")
        assert len(large) <= 10, [query["sql"] for query in large.captured_queries]
        # A search does not count its matches beyond the page; elsewhere the count rides on the rows' query.
        counting = 'COUNT(*) FROM (SELECT "inquiries_inquiry"'
        assert not any(counting in query["sql"] for query in searched.captured_queries)
        assert [counting in query["sql"] and "LIMIT 51" in query["sql"] for query in large.captured_queries].count(
            True
        ) == 1

    def test_the_next_page_continues_where_the_first_ends(self, secretary, secretary_client, school):
        bulk_dossiers(school, 75, [secretary])
        first = secretary_client.get(inbox_url(school, "f=1&archived=all"))
        next_link = first.context["next_query"]
        second = secretary_client.get(inbox_url(school, next_link))
        first_refs = {row.reference for row in first.context["page"].rows}
        second_refs = {row.reference for row in second.context["page"].rows}
        assert len(first_refs) == 50
        assert len(second_refs) == 25
        assert not first_refs & second_refs

    def test_by_soonest_arrival_the_pages_follow_the_stays_and_a_link_of_another_order_is_refused(
        self, secretary, secretary_client, school
    ):
        bulk_dossiers(school, 130, [secretary])  # about three in ten without an arrival date
        Inquiry.objects.filter(pk__in=Inquiry.objects.order_by("pk").values("pk")[:60]).update(arrival_date=None)
        expected = [
            reference
            for _undated, _day, _pk, reference in sorted(
                (arrival is None, arrival or timezone.localdate(), pk, reference)
                for pk, reference, arrival in Inquiry.objects.values_list("pk", "reference", "arrival_date")
            )
        ]
        seen, query = [], "f=1&archived=all&sort=arrival"
        while query:
            with CaptureQueriesContext(connection) as queries:
                response = secretary_client.get(inbox_url(school, query))
            assert response.status_code == 200
            assert len(queries) <= 10
            seen += [row.reference for row in response.context["page"].rows]
            assert response.context["page"].total == 130
            query = response.context["next_query"]
        assert seen == expected
        newest_link = secretary_client.get(inbox_url(school, "f=1&archived=all")).context["next_query"]
        arrival_link = secretary_client.get(inbox_url(school, "f=1&archived=all&sort=arrival")).context["next_query"]

        # A next page's link of the newest first, its order changed to the arrival's in the address; and back.
        for link, order in ((newest_link, "arrival"), (arrival_link, "newest"), (arrival_link, "oldest")):
            changed = link.replace("sort=arrival", "").replace("sort=newest", "") + f"&sort={order}"
            response = secretary_client.get(inbox_url(school, changed))
            assert response.status_code == 400
            assert "Ce lien de page n’est pas valide\xa0: repartez de la première page." in page_text(response)

    def test_a_saved_view_by_soonest_arrival_lists_by_arrival(self, secretary, secretary_client, school):
        today = timezone.localdate()
        later = receive_inquiry(school, email="later@x.org", arrival_date=today + timedelta(days=20))
        undated = receive_inquiry(school, email="undated@x.org", arrival_date=None, departure_date=None)
        sooner = receive_inquiry(school, email="sooner@x.org", arrival_date=today + timedelta(days=2))
        saved_filter_save(
            school=school, owner=secretary, name="Arrivées", criteria={"sort": ["arrival"]}, make_default=True
        )
        response = secretary_client.get(inbox_url(school), follow=True)
        assert "sort=arrival" in response.redirect_chain[0][0]
        rows = [row.reference for row in response.context["page"].rows]
        assert rows == [sooner.reference, later.reference, undated.reference]
        assert '<option value="arrival" selected>Arrivée la plus proche</option>' in response.content.decode()


# Side by side in the status filter and the Dossier panel, "Gagnée" and "Payée" read as the same thing.
WON_AND_PAID = {
    "fr": "Gagnée\xa0: le client a dit oui, c’est vous qui l’indiquez. "
    "Payée\xa0: le client a réglé tout son devis, le statut change tout seul.",
    "en": "Won: the client has said yes, you set it yourself. "
    "Paid: the client has paid the whole quote, the status changes by itself.",
}


class TestStatusWords:
    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_the_status_filter_says_what_won_and_paid_mean(self, secretary, secretary_client, school, language):
        secretary.language = language
        secretary.save(update_fields=["language"])
        page = page_text(secretary_client.get(inbox_url(school, "f=1")))
        fieldset = page[page.index('<fieldset class="field search-checks" aria-describedby="status-help">') :]
        fieldset = fieldset.split("</fieldset>", 1)[0]
        assert f'<p class="hint" id="status-help">{WON_AND_PAID[language]}</p>' in fieldset

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_the_dossier_panel_says_it_under_the_status(self, secretary, secretary_client, school, language):
        secretary.language = language
        secretary.save(update_fields=["language"])
        inquiry = receive_inquiry(school)
        page = page_text(secretary_client.get(dossier_url(inquiry)))
        status = page[page.index('<select name="status"') :].split("</div>", 1)[0]
        assert 'aria-describedby="status-help"' in status.split(">", 1)[0]
        assert f'<p class="hint" id="status-help">{WON_AND_PAID[language]}</p>' in status


class TestDefaultFilters:
    def test_the_floppy_saves_the_criteria_and_they_apply_at_each_visit(
        self, secretary, secretary_client, school, village
    ):
        response = secretary_client.post(
            reverse("backoffice:inbox_default_save", kwargs={"school_slug": school.slug}),
            {"query": "f=1&category=village&status=new"},
        )
        assert response.status_code == 302
        default = inbox_default_filter(school=school, user=secretary)
        assert default.criteria == {"category": ["village"], "status": ["new"]}
        visit = secretary_client.get(inbox_url(school))
        assert visit.status_code == 302
        assert "category=village" in visit["Location"]
        assert "status=new" in visit["Location"]
        # Criteria chosen on purpose win over the default.
        assert secretary_client.get(inbox_url(school, "f=1")).status_code == 200

    def test_the_floppy_in_another_language_replaces_her_default_instead_of_adding_one(
        self, secretary, secretary_client, school, village
    ):
        save_url = reverse("backoffice:inbox_default_save", kwargs={"school_slug": school.slug})
        secretary_client.post(save_url, {"query": "f=1&status=new"})
        assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Mon filtre par défaut"]

        secretary.language = "en"
        secretary.save(update_fields=["language"])
        secretary_client.post(save_url, {"query": "f=1&category=village"})

        saved = SavedFilter.objects.for_school(school).get(owner=secretary)
        assert saved.name == "My default filter"
        assert saved.criteria == {"category": ["village"]}
        assert inbox_default_filter(school=school, user=secretary) == saved
        views_menu = page_text(secretary_client.get(inbox_url(school, "f=1")))
        assert "My default filter" in views_menu
        assert "Mon filtre par défaut" not in views_menu

    def test_with_defaults_saved_in_both_languages_before_the_floppy_keeps_up_the_one_in_her_language(
        self, secretary, secretary_client, school
    ):
        for name in ("Mon filtre par défaut", "My default filter"):
            saved_filter_save(school=school, owner=secretary, name=name, criteria={"status": ["new"]})
        secretary_client.post(
            reverse("backoffice:inbox_default_save", kwargs={"school_slug": school.slug}), {"query": "f=1&status=lost"}
        )
        assert SavedFilter.objects.for_school(school).filter(owner=secretary).count() == 2
        default = inbox_default_filter(school=school, user=secretary)
        assert (default.name, default.criteria) == ("Mon filtre par défaut", {"status": ["lost"]})

    def test_the_floppys_name_is_shown_in_her_language_of_the_moment(self, secretary, secretary_client, school):
        secretary_client.post(
            reverse("backoffice:inbox_default_save", kwargs={"school_slug": school.slug}), {"query": "f=1&status=new"}
        )
        assert SavedFilter.objects.get(owner=secretary).name == "Mon filtre par défaut"
        assert "· vue par défaut\u00a0: Mon filtre par défaut" in page_text(
            secretary_client.get(inbox_url(school), follow=True)
        )

        secretary.language = "en"
        secretary.save(update_fields=["language"])
        page = page_text(secretary_client.get(inbox_url(school), follow=True))
        assert "· default view: My default filter" in page
        assert "Mon filtre par défaut" not in page  # neither above the list nor in the Views menu

    def test_default_view_is_said_only_when_the_list_is_the_default_view(self, secretary, secretary_client, school):
        saved_filter_save(
            school=school, owner=secretary, name="Nouvelles", criteria={"status": ["new"]}, make_default=True
        )
        saved_filter_save(school=school, owner=secretary, name="Mes relances", criteria={"status": ["in_progress"]})
        receive_inquiry(school)

        def above_the_list(query: str) -> str:
            page = page_text(secretary_client.get(inbox_url(school, query), follow=True))
            return page[page.index("data-results-count") :].split("</p>", 1)[0]

        assert "· vue par défaut\u00a0: Nouvelles" in above_the_list("")
        assert "· vue par défaut\u00a0: Nouvelles" in above_the_list("f=1&status=new&sort=")
        for search in ("f=1", "f=1&q=Martin", "f=1&status=new&q=Martin"):
            assert "vue" not in above_the_list(search), search
        shown = above_the_list("f=1&status=in_progress")
        assert "· vue\u00a0: Mes relances" in shown
        assert "par défaut" not in shown

    def test_a_view_saved_with_her_defaults_criteria_is_the_one_named_above_the_list(
        self, secretary, secretary_client, school
    ):
        saved_filter_save(
            school=school, owner=secretary, name="Nouvelles", criteria={"status": ["new"]}, make_default=True
        )
        receive_inquiry(school)

        def above_the_list(response) -> str:
            page = page_text(response)
            return page[page.index("data-results-count") :].split("</p>", 1)[0]

        # From her default's list, she saves it under a name of her own.
        response = secretary_client.post(
            reverse("backoffice:saved_view_save", kwargs={"school_slug": school.slug}),
            {"query": "f=1&status=new&view=" + str(SavedFilter.objects.get().pk), "name": "Arrivées du jour"},
            follow=True,
        )
        assert "La vue « Arrivées du jour » est enregistrée." in page_text(response)
        shown = above_the_list(response)
        assert "· vue : Arrivées du jour" in shown
        assert "Nouvelles" not in shown

        # Each one chosen from the Views menu is named as chosen; opening the requests is her default.
        menu = page_text(response)
        for name, said in (
            ("Nouvelles", "· vue par défaut : Nouvelles"),
            ("Arrivées du jour", "· vue : Arrivées du jour"),
        ):
            link = menu[: menu.index(f">{name}</a>")].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
            assert said in above_the_list(secretary_client.get(link)), name
        assert "· vue par défaut : Nouvelles" in above_the_list(secretary_client.get(inbox_url(school), follow=True))

    def test_reset_goes_back_to_no_default(self, secretary, secretary_client, school, village):
        saved_filter_save(
            school=school, owner=secretary, name="Village", criteria={"category": ["village"]}, make_default=True
        )
        secretary_client.post(reverse("backoffice:inbox_default_reset", kwargs={"school_slug": school.slug}))
        assert inbox_default_filter(school=school, user=secretary) is None
        assert secretary_client.get(inbox_url(school)).status_code == 200

    def test_a_shared_view_never_overrides_a_colleagues_default(
        self, secretary, manager, manager_client, school, village
    ):
        saved_filter_save(
            school=school, owner=secretary, name="Mes nouvelles", criteria={"status": ["new"]}, make_default=True
        )
        saved_filter_save(
            school=school,
            owner=manager,
            name="Village",
            criteria={"category": ["village"]},
            shared=True,
            make_default=True,
        )
        assert inbox_default_filter(school=school, user=secretary).name == "Mes nouvelles"
        secretary_client = Client()
        secretary_client.force_login(secretary)
        page = page_text(secretary_client.get(inbox_url(school, "f=1")))
        assert "Village" in page  # the shared view is offered…
        assert inbox_default_filter(school=school, user=secretary).name == "Mes nouvelles"  # …not imposed

    def test_a_colleagues_shared_view_can_be_chosen_as_ones_default_but_not_deleted(
        self, secretary, secretary_client, manager, school, village
    ):
        shared = saved_filter_save(
            school=school, owner=manager, name="Village", criteria={"category": ["village"]}, shared=True
        )
        url = reverse("backoffice:saved_view_action", kwargs={"school_slug": school.slug, "view_id": shared.pk})
        secretary_client.post(url, {"action": "default"})
        assert inbox_default_filter(school=school, user=secretary) == shared
        assert secretary_client.post(url, {"action": "delete"}).status_code == 404
        assert SavedFilter.objects.filter(pk=shared.pk).exists()

    def test_she_deletes_her_own_view_and_the_colleague_who_chose_it_as_default_loses_only_that(
        self, secretary, secretary_client, manager, school, village
    ):
        mine = saved_filter_save(
            school=school, owner=secretary, name="Village", criteria={"category": ["village"]}, shared=True
        )
        inbox_default_set(school=school, user=manager, saved_filter=mine)
        url = reverse("backoffice:saved_view_action", kwargs={"school_slug": school.slug, "view_id": mine.pk})

        response = secretary_client.post(url, {"action": "delete"}, follow=True)

        assert "La vue «\u00a0Village\u00a0» est supprimée." in page_text(response)
        assert not SavedFilter.objects.filter(pk=mine.pk).exists()
        assert inbox_default_filter(school=school, user=manager) is None

    def test_a_private_view_of_a_colleague_is_invisible(self, secretary_client, manager, school):
        private = saved_filter_save(
            school=school, owner=manager, name="Vue perso de Hélène", criteria={"status": ["won"]}
        )
        url = reverse("backoffice:saved_view_action", kwargs={"school_slug": school.slug, "view_id": private.pk})
        assert secretary_client.post(url, {"action": "default"}).status_code == 404
        assert "Vue perso de Hélène" not in page_text(secretary_client.get(inbox_url(school, "f=1")))

    def test_a_named_view_is_saved_with_the_current_criteria(self, secretary, secretary_client, school, village):
        secretary_client.post(
            reverse("backoffice:saved_view_save", kwargs={"school_slug": school.slug}),
            {"query": "f=1&category=village&language=en", "name": "Anglais au village", "shared": "on"},
        )
        saved = SavedFilter.objects.get(owner=secretary)
        assert (saved.name, saved.shared) == ("Anglais au village", True)
        assert saved.criteria == {"category": ["village"], "language": ["en"]}

    def test_a_view_without_a_name_or_with_bad_criteria_is_not_saved(self, secretary_client, school):
        url = reverse("backoffice:saved_view_save", kwargs={"school_slug": school.slug})
        secretary_client.post(url, {"query": "f=1", "name": ""})
        secretary_client.post(url, {"query": "f=1&status=sleeping", "name": "Bad"})
        secretary_client.post(url, {"query": "f=1", "name": "Evil\r\nname"})
        assert not SavedFilter.objects.exists()


class TestExport:
    def test_the_filtered_list_as_csv_with_a_bom_and_safe_cells(self, secretary_client, school, village):
        receive_inquiry(school, category=village, first_name='=HYPERLINK("x")', last_name="Müller", email="a@x.fr")
        Inquiry.objects.filter(pk=receive_inquiry(school, category=village, email="b@x.fr").pk).update(category=None)
        response = secretary_client.get(
            reverse("backoffice:inquiries_export", kwargs={"school_slug": school.slug}) + "?category=village"
        )
        content = b"".join(response.streaming_content).decode("utf-8")
        assert response["Content-Type"].startswith("text/csv")
        assert content.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
        assert rows[0][0] == "Référence"
        assert len(rows) == 2
        assert rows[1][6] == '\'=HYPERLINK("x")'
        assert rows[1][7] == "Müller"

    def test_in_english_the_subject_category_and_file_name_are_english(self, secretary, secretary_client, school):
        altitude = Category.objects.create(
            school=school, code="altitude", label_fr="Altitude 1800", label_en="At 1800 m"
        )
        Subject.objects.filter(school=school).update(label_fr="Cours privés", label_en="Private lessons")
        receive_inquiry(school, category=altitude)
        secretary.language = "en"
        secretary.save(update_fields=["language"])

        response = secretary_client.get(reverse("backoffice:inquiries_export", kwargs={"school_slug": school.slug}))

        day = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="requests-{school.slug}-{day}.csv"'
        content = b"".join(response.streaming_content).decode("utf-8")
        assert content.startswith("\ufeff")
        header, row = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
        assert (header[2], header[3], header[4]) == ("Status", "Subject", "Category")
        assert (row[2], row[3], row[4]) == ("New", "Private lessons", "At 1800 m")

    def test_in_french_the_labels_and_file_name_are_french(self, secretary_client, school):
        altitude = Category.objects.create(
            school=school, code="altitude", label_fr="Altitude 1800", label_en="At 1800 m"
        )
        Subject.objects.filter(school=school).update(label_fr="Cours privés", label_en="Private lessons")
        receive_inquiry(school, category=altitude)

        response = secretary_client.get(reverse("backoffice:inquiries_export", kwargs={"school_slug": school.slug}))

        day = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="demandes-{school.slug}-{day}.csv"'
        content = b"".join(response.streaming_content).decode("utf-8")
        header, row = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
        assert (header[3], header[4]) == ("Objet", "Catégorie")
        # Each line is one request: "Archivée", not the filter's "Archivées".
        assert (header[14], row[14]) == ("Archivée", "non")
        assert (row[3], row[4]) == ("Cours privés", "Altitude 1800")

    def test_a_label_missing_in_the_secretarys_language_falls_back_to_the_other(
        self, secretary, secretary_client, school
    ):
        french_only = Category.objects.create(school=school, code="village", label_fr="Village", label_en="")
        Subject.objects.filter(school=school).update(label_fr="Groupes", label_en="")
        receive_inquiry(school, category=french_only)
        secretary.language = "en"
        secretary.save(update_fields=["language"])

        response = secretary_client.get(reverse("backoffice:inquiries_export", kwargs={"school_slug": school.slug}))

        content = b"".join(response.streaming_content).decode("utf-8")
        _header, row = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
        assert (row[3], row[4]) == ("Groupes", "Village")


class TestListActions:
    ARCHIVE = "Archiver la sélection"
    UNARCHIVE = "Sortir la sélection des archives"

    @pytest.mark.parametrize(
        ("query", "offered"),
        [
            ("", {ARCHIVE}),
            ("f=1&archived=no", {ARCHIVE}),
            ("f=1&archived=yes", {UNARCHIVE}),
            ("f=1&archived=all", {ARCHIVE, UNARCHIVE}),
        ],
    )
    def test_only_the_bulk_buttons_that_can_apply_are_offered(self, secretary_client, school, query, offered):
        receive_inquiry(school, email="open@example.org")
        archived = receive_inquiry(school, email="archived@example.org")
        Inquiry.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            page = page_text(secretary_client.get(inbox_url(school, query), **headers))
            assert {button for button in (self.ARCHIVE, self.UNARCHIVE) if button in page} == offered

    @pytest.mark.parametrize(
        ("language", "label"), [("fr", "Ouvrir le formulaire de contact"), ("en", "Open the contact form")]
    )
    def test_the_contact_form_opens_in_the_back_offices_language(
        self, secretary, secretary_client, school, language, label
    ):
        secretary.language = language
        secretary.save(update_fields=["language"])
        page = page_text(secretary_client.get(inbox_url(school)))
        contact = reverse("public_site:contact", args=[language, school.slug])
        assert f'<a class="btn btn-secondary" href="{contact}" target="_blank" rel="noopener">{label}</a>' in page
        other = reverse("public_site:contact", args=["en" if language == "fr" else "fr", school.slug])
        assert other not in page


class TestBulkArchive:
    def test_archives_the_ticked_dossiers(self, secretary_client, school):
        ticked = [receive_inquiry(school, email=f"c{n}@x.fr") for n in range(2)]
        kept = receive_inquiry(school, email="k@x.fr")
        response = secretary_client.post(
            reverse("backoffice:inquiries_archive", kwargs={"school_slug": school.slug}),
            {"ids": [str(i.pk) for i in ticked], "action": "archive", "next": inbox_url(school, "f=1")},
        )
        assert response.status_code == 302
        assert set(Inquiry.objects.filter(archived_at__isnull=False)) == set(ticked)
        assert "2 demandes archivées." in page_text(secretary_client.get(response["Location"]))
        kept.refresh_from_db()
        assert kept.archived_at is None

    def test_ids_of_another_school_are_ignored(self, secretary_client, school, other_school):
        foreign = receive_inquiry(other_school)
        secretary_client.post(
            reverse("backoffice:inquiries_archive", kwargs={"school_slug": school.slug}), {"ids": [str(foreign.pk)]}
        )
        foreign.refresh_from_db()
        assert foreign.archived_at is None


class TestBulkTake:
    def url(self, school) -> str:
        return reverse("backoffice:inquiries_take", kwargs={"school_slug": school.slug})

    def test_the_ticked_dossiers_nobody_has_become_hers(self, secretary_client, secretary, manager, school):
        ticked = [receive_inquiry(school, email=f"c{n}@x.fr") for n in range(2)]
        colleagues = receive_inquiry(school, email="m@x.fr")
        inquiry_take(school=school, actor=manager, inquiry_id=colleagues.pk)
        kept = receive_inquiry(school, email="k@x.fr")
        assert "Je m’occupe de la sélection" in page_text(secretary_client.get(inbox_url(school)))

        response = secretary_client.post(
            self.url(school),
            {"ids": [str(i.pk) for i in (*ticked, colleagues)], "next": inbox_url(school, "f=1")},
        )

        assert response.status_code == 302
        assert response["Location"] == inbox_url(school, "f=1")
        page = page_text(secretary_client.get(response["Location"]))
        assert "2 demandes sont maintenant à vous." in page
        assert "1 demande avait déjà quelqu’un\u00a0: laissée telle quelle." in page
        assert {i.assignee for i in Inquiry.objects.filter(pk__in=[i.pk for i in ticked])} == {secretary}
        assert Inquiry.objects.get(pk=colleagues.pk).assignee == manager
        assert Inquiry.objects.get(pk=kept.pk).assignee is None

    def test_nothing_ticked_or_ids_of_another_school_take_nothing(self, secretary_client, school, other_school):
        response = secretary_client.post(self.url(school), {"ids": ["abc"]})
        assert "Cochez d’abord les demandes à prendre." in page_text(secretary_client.get(response["Location"]))
        foreign = receive_inquiry(other_school)
        response = secretary_client.post(self.url(school), {"ids": [str(foreign.pk)]})
        assert "Rien à prendre" in page_text(secretary_client.get(response["Location"]))
        assert Inquiry.objects.get(pk=foreign.pk).assignee is None

    def test_only_by_post(self, secretary_client, school):
        assert secretary_client.get(self.url(school)).status_code == 405

    def test_archived_dossiers_ticked_in_the_whole_list_are_left_alone(self, secretary_client, school):
        archived = receive_inquiry(school)
        Inquiry.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
        response = secretary_client.post(self.url(school), {"ids": [str(archived.pk)]})
        page = page_text(secretary_client.get(response["Location"]))
        assert "Rien à prendre parmi les demandes cochées\u00a0: elles sont déjà à vous, ou archivées." in page
        assert Inquiry.objects.get(pk=archived.pk).assignee is None

    def test_not_offered_on_the_archive(self, secretary_client, school):
        archived = receive_inquiry(school)
        Inquiry.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
        page = page_text(secretary_client.get(inbox_url(school, "f=1&archived=yes")))
        assert "Je m’occupe de la sélection" not in page


class TestDossierPage:
    def test_shows_the_request_the_client_and_the_timeline(self, secretary_client, school):
        inquiry = receive_inquiry(school, message="Cours privés le 28 décembre ?", phone="06 11 22 33 44")
        page = page_text(secretary_client.get(dossier_url(inquiry)))
        for text in (
            "Cours privés le 28 décembre ?",
            "06 11 22 33 44",
            inquiry.email,
            "Demande reçue",
            "Accusé de réception",
        ):
            assert text in page

    def test_each_field_has_an_id_of_its_own_and_each_label_names_its_field(self, secretary_client, school):
        """QA: the answer's "Objet du mail" and the Dossier panel's "Objet" were both id_subject, so the
        panel's subject list had no name for a screen reader and its label led to the answer's subject line."""
        inquiry = receive_inquiry(school)
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert sorted({i for i in ids if ids.count(i) > 1}) == []
        panel = page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :]
        label_for = re.search(r'<label for="([^"]+)">Objet</label>', panel)[1]
        assert re.search(rf'<select name="subject"[^>]* id="{label_for}"', panel)

    def test_the_panel_saves_and_a_stale_panel_is_refused(self, secretary, secretary_client, school):
        inquiry = receive_inquiry(school)
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        panel = form_data(page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :])
        panel = panel | {"assignee": [str(secretary.pk)], "status": ["in_progress"]}
        assert secretary_client.post(dossier_url(inquiry, "panel"), flatten(panel)).status_code == 302
        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.status) == (secretary, "in_progress")

        stale = panel | {"status": ["lost"]}
        response = secretary_client.post(dossier_url(inquiry, "panel"), flatten(stale))
        assert response.status_code == 409
        assert "Quelqu’un d’autre a modifié ce dossier" in page_text(response)
        inquiry.refresh_from_db()
        assert inquiry.status == "in_progress"

    def test_the_panel_offers_the_live_choices_and_keeps_a_removed_subject(
        self, secretary, secretary_client, school, other_school, village
    ):
        inquiry = receive_inquiry(school)
        Inquiry.objects.filter(pk=inquiry.pk).update(category=None)
        removed_category = Category.objects.create(school=school, code="fermee", label_fr="Fermée")
        Subject.objects.filter(pk=inquiry.subject_id).update(removed_at=timezone.now())
        removed_category.removed_at = timezone.now()
        removed_category.save()
        foreign = Category.objects.create(school=other_school, code="ailleurs", label_fr="Ailleurs")
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        panel_html = page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :].split(
            "</form>"
        )[0]
        assert "Village" in panel_html
        assert "Fermée" not in panel_html
        assert "Ailleurs" not in panel_html
        assert f'<option value="{inquiry.subject_id}" selected>' in panel_html  # removed, still the dossier's
        panel = form_data(panel_html)

        for refused in (str(removed_category.pk), str(foreign.pk), "x"):
            response = secretary_client.post(dossier_url(inquiry, "panel"), flatten(panel | {"category": [refused]}))
            assert response.status_code == 400
        inquiry.refresh_from_db()
        assert (inquiry.category, inquiry.version) == (None, 1)

        chosen = panel | {"category": [str(village.pk)], "assignee": [str(secretary.pk)]}
        assert secretary_client.post(dossier_url(inquiry, "panel"), flatten(chosen)).status_code == 302
        inquiry.refresh_from_db()
        assert (inquiry.category, inquiry.assignee, inquiry.subject_id) == (village, secretary, inquiry.subject_id)

    def test_a_colleague_whose_invitation_is_pending_is_not_offered_until_she_has_joined(
        self, manager, secretary, secretary_client, school
    ):
        invited = membership_invite(
            school=school,
            actor=manager,
            email="julie@valneige.test",
            full_name="Julie Invitée",
            role="secretary",
            language="fr",
        ).membership.user
        inquiry = receive_inquiry(school)
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        panel_html = page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :]
        panel_html = panel_html.split("</form>")[0]
        assert str(secretary) in panel_html
        assert "Julie Invitée" not in panel_html

        # Posted all the same (a page kept open since an earlier list): refused, said why, nothing stored.
        response = secretary_client.post(
            dossier_url(inquiry, "panel"), flatten(form_data(panel_html) | {"assignee": [str(invited.pk)]})
        )
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in page_text(response)
        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.version) == (None, 1)

        invited.set_password("choisi-par-elle-2026")
        invited.save()
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        assert "Julie Invitée" in page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :]

    def test_a_dossier_given_to_a_colleague_still_pending_shows_her_and_keeps_her(
        self, manager, secretary_client, school
    ):
        invited = membership_invite(
            school=school,
            actor=manager,
            email="julie@valneige.test",
            full_name="Julie Invitée",
            role="secretary",
            language="fr",
        ).membership.user
        inquiry = receive_inquiry(school)
        Inquiry.objects.filter(pk=inquiry.pk).update(assignee=invited)  # given to her before this rule
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        panel_html = page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :]
        panel_html = panel_html.split("</form>")[0]
        assert f'<option value="{invited.pk}" selected>Julie Invitée</option>' in panel_html

        # Saving another change of the panel leaves her the dossier, not "Nobody".
        response = secretary_client.post(
            dossier_url(inquiry, "panel"), flatten(form_data(panel_html) | {"status": ["in_progress"]})
        )
        assert response.status_code == 302
        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.status) == (invited, "in_progress")

    def test_another_schools_subject_or_person_is_refused_by_the_panel(self, secretary_client, school, other_manager):
        inquiry = receive_inquiry(school)
        other_school = Membership.objects.get(user=other_manager).school
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        panel = form_data(page[page.index('<form method="post" action="' + dossier_url(inquiry, "panel")) :])
        foreign_subject = Subject.objects.create(school=other_school, label_fr="Ailleurs", email="a@ailleurs.test")
        for refused in (
            {"subject": [str(foreign_subject.pk)]},
            {"subject": ["x"]},
            {"assignee": [str(other_manager.pk)]},
        ):
            response = secretary_client.post(dossier_url(inquiry, "panel"), flatten(panel | refused))
            assert response.status_code == 400
            assert "Sélectionnez un choix valide" in page_text(response)
        inquiry.refresh_from_db()
        assert (inquiry.version, inquiry.assignee, inquiry.subject.school) == (1, None, school)
        assert not InquiryEvent.objects.filter(inquiry=inquiry).exclude(kind__in=["received", "email"]).exists()

    def test_a_status_outside_the_table_is_refused(self, secretary_client, school):
        inquiry = receive_inquiry(school)
        Inquiry.objects.filter(pk=inquiry.pk).update(status="won")
        panel = {"version": "1", "subject": str(inquiry.subject_id), "status": "lost", "category": "", "assignee": ""}
        response = secretary_client.post(dossier_url(inquiry, "panel"), panel)
        assert response.status_code == 400
        inquiry.refresh_from_db()
        assert inquiry.status == "won"

    def test_the_panel_offers_the_allowed_statuses_in_their_own_order(self, secretary_client, school):
        inquiry = receive_inquiry(school)
        Inquiry.objects.filter(pk=inquiry.pk).update(status="in_progress")
        page = secretary_client.get(dossier_url(inquiry)).content.decode()
        status_select = page[page.index('name="status"') :].split("</select>")[0]
        offered = [line.split('value="')[1].split('"')[0] for line in status_select.split("<option")[1:]]
        assert offered == ["in_progress", "waiting_for_client", "won", "lost"]

    def test_a_category_without_an_english_label_shows_its_french_one_in_english(
        self, secretary_client, secretary, school
    ):
        inquiry = receive_inquiry(school)
        french_only = Category.objects.create(school=school, code="glacier", label_fr="Glacier en été", label_en="")
        Inquiry.objects.filter(pk=inquiry.pk).update(category=french_only)
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        assert "<dd>Glacier en été</dd>" in secretary_client.get(dossier_url(inquiry)).content.decode()

    def test_the_timeline_speaks_each_language_with_its_dates_and_punctuation(
        self, secretary_client, secretary, school, manager
    ):
        inquiry = receive_inquiry(school)
        received = timezone.make_aware(timezone.datetime(2026, 12, 6, 14, 30))
        InquiryEvent.objects.filter(inquiry=inquiry).update(created_at=received)
        change = {"before": "won", "after": "paid"}
        InquiryEvent.objects.create(school=school, inquiry=inquiry, kind="status_changed", actor=manager, data=change)
        InquiryEvent.objects.create(school=school, inquiry=inquiry, kind="archived", actor=manager)

        french = page_text(secretary_client.get(dossier_url(inquiry)))
        # A request is feminine in French ("Payée", where a quote is "Payé"), a colon follows a space.
        assert "Statut\u00a0: Gagnée → Payée" in french
        assert "Archivage" in french
        assert "6\u00a0déc.\u00a02026,\u00a014:30" in french

        secretary.language = "en"
        secretary.save(update_fields=["language"])
        english = page_text(secretary_client.get(dossier_url(inquiry)))
        assert "Status: Won → Paid" in english
        # Day before month and a 24-hour clock, not the American 12/06/2026 2:30 p.m.
        assert "6\u00a0Dec\u00a02026,\u00a014:30" in english
        assert "p.m." not in english

    def test_the_reply_form_is_written_in_the_clients_language(self, secretary_client, secretary, school):
        inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith")
        page = page_text(secretary_client.get(dossier_url(inquiry)))
        assert "Écrivez en anglais" in page
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        assert "Write in English" in page_text(secretary_client.get(dossier_url(inquiry)))
        assert f"Your request {inquiry.reference}" in page
        assert "Hello John Smith," in page

    def test_replying_queues_the_email_and_shows_it_in_the_timeline(self, secretary_client, school):
        inquiry = receive_inquiry(school)
        response = secretary_client.post(
            dossier_url(inquiry, "reply"), {"subject": "Votre demande", "body": "Bonjour, c'est possible le 28."}
        )
        assert response.status_code == 302
        reply = OutgoingEmail.objects.get(kind="reply")
        assert reply.to_email == inquiry.email
        page = page_text(secretary_client.get(dossier_url(inquiry)))
        assert "Réponse au client" in page
        assert "En attente d’envoi" in page

    def test_answering_a_dossier_nobody_had_assigns_it_to_her(self, secretary_client, secretary, school):
        inquiry = receive_inquiry(school)
        before = page_text(secretary_client.get(dossier_url(inquiry)))
        assert "Personne n’a encore ce dossier\u00a0: votre réponse vous l’attribue." in before

        secretary_client.post(dossier_url(inquiry, "reply"), {"subject": "Re", "body": "Bonjour, oui."})

        after = page_text(secretary_client.get(dossier_url(inquiry)))
        assert f"Assignée à {secretary}" in after
        assert "votre réponse vous l’attribue" not in after
        listed = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/?status=waiting_for_client"))
        assert str(secretary) in listed

    def test_ill_take_it_makes_the_dossier_hers(self, secretary_client, secretary, school):
        inquiry = receive_inquiry(school)
        assert "Je m’en occupe" in page_text(secretary_client.get(dossier_url(inquiry)))

        response = secretary_client.post(dossier_url(inquiry, "take"))

        assert response.status_code == 302
        page = page_text(secretary_client.get(response["Location"]))
        assert "Le dossier est à vous." in page
        assert f"Assignée à {secretary}" in page
        assert "Je m’en occupe" not in page
        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.status) == (secretary, Inquiry.Status.IN_PROGRESS)

    def test_ill_take_it_after_a_colleague_says_who_has_it(self, secretary_client, manager, school):
        inquiry = receive_inquiry(school)
        inquiry_take(school=school, actor=manager, inquiry_id=inquiry.pk)

        response = secretary_client.post(dossier_url(inquiry, "take"))

        assert response.status_code == 409
        assert f"{manager} a pris ce dossier entre-temps." in page_text(response)
        assert Inquiry.objects.get(pk=inquiry.pk).assignee == manager

    def test_ill_take_it_only_by_post(self, secretary_client, school):
        inquiry = receive_inquiry(school)
        assert secretary_client.get(dossier_url(inquiry, "take")).status_code == 405
        assert Inquiry.objects.get(pk=inquiry.pk).assignee is None

    def test_an_empty_reply_or_note_is_refused_and_nothing_sent(self, secretary_client, school):
        inquiry = receive_inquiry(school)
        before = OutgoingEmail.objects.count()
        assert secretary_client.post(dossier_url(inquiry, "reply"), {"subject": "Re", "body": ""}).status_code == 400
        assert secretary_client.post(dossier_url(inquiry, "note"), {"text": ""}).status_code == 400
        assert OutgoingEmail.objects.count() == before
        assert not InquiryEvent.objects.filter(kind="note").exists()

    @pytest.mark.parametrize(
        "languages",
        [
            pytest.param(("fr", "fr"), id="french-client-french-secretary"),
            pytest.param(("en", "fr"), id="english-client-french-secretary"),
            pytest.param(("fr", "en"), id="french-client-english-secretary"),
            pytest.param(("en", "en"), id="english-client-english-secretary"),
        ],
    )
    def test_the_untouched_greeting_is_not_sent(self, secretary, secretary_client, school, languages):
        client_language, secretary.language = languages
        secretary.save(update_fields=["language"])
        greeting = {"fr": "Bonjour Claire Martin,", "en": "Hello Claire Martin,"}[client_language]
        error = {
            "fr": "Écrivez votre réponse sous la formule de salutation.",
            "en": "Write your answer below the greeting.",
        }[secretary.language]
        inquiry = receive_inquiry(school, language=client_language)
        before = OutgoingEmail.objects.count(), InquiryEvent.objects.count()
        offered = reply_form(secretary_client.get(dossier_url(inquiry)), inquiry)
        assert offered["body"] == [greeting + "\n\n"]

        response = secretary_client.post(dossier_url(inquiry, "reply"), flatten(offered))

        assert response.status_code == 400
        assert f'<p class="field-error" id="reply_body_error">{error}</p>' in page_text(response)
        assert reply_form(response, inquiry)["body"] == [greeting + "\n\n"]
        assert (OutgoingEmail.objects.count(), InquiryEvent.objects.count()) == before
        inquiry.refresh_from_db()
        assert (inquiry.status, inquiry.version) == ("new", 1)

    @pytest.mark.parametrize(
        "body", ["Hello Claire Martin,", "  bonjour   claire martin ,\r\n\r\n  ", "Bonjour {client_name},\n"]
    )
    def test_the_greeting_in_the_other_language_or_respaced_is_not_sent_either(self, secretary_client, school, body):
        inquiry = receive_inquiry(school, language="fr")
        response = secretary_client.post(dossier_url(inquiry, "reply"), {"subject": "Votre demande", "body": body})
        assert response.status_code == 400
        assert "Écrivez votre réponse sous la formule de salutation." in page_text(response)
        assert not OutgoingEmail.objects.filter(kind="reply").exists()

    def test_a_reply_written_below_the_greeting_is_sent(self, secretary_client, school):
        inquiry = receive_inquiry(school, language="en")
        offered = reply_form(secretary_client.get(dossier_url(inquiry)), inquiry)
        offered["body"] = [offered["body"][0] + "We have places on 28 December at 9:00."]

        response = secretary_client.post(dossier_url(inquiry, "reply"), flatten(offered))

        assert response.status_code == 302
        reply = OutgoingEmail.objects.get(kind="reply")
        assert reply.text_body.startswith("Hello Claire Martin,\n\nWe have places on 28 December at 9:00.")

    def test_archive_and_merge_from_the_page(self, secretary_client, school):
        target = receive_inquiry(school)
        duplicate = receive_inquiry(school)
        assert duplicate.reference in page_text(secretary_client.get(dossier_url(target)))
        secretary_client.post(dossier_url(target, "merge"), {"duplicate": duplicate.reference})
        duplicate.refresh_from_db()
        assert duplicate.merged_into == target
        secretary_client.post(dossier_url(target, "archive"), {"action": "archive"})
        target.refresh_from_db()
        assert target.archived_at is not None

    def test_a_secretary_of_school_a_cannot_post_to_a_dossier_of_school_b(self, secretary_client, school, other_school):
        foreign = receive_inquiry(other_school)
        url = reverse(
            "backoffice:inquiry_note", kwargs={"school_slug": other_school.slug, "reference": foreign.reference}
        )
        assert secretary_client.post(url, {"text": "intrusion"}).status_code == 404
        url = reverse("backoffice:inquiry_note", kwargs={"school_slug": school.slug, "reference": foreign.reference})
        assert secretary_client.post(url, {"text": "intrusion"}).status_code == 404
        assert not InquiryEvent.objects.filter(kind="note").exists()


def test_a_search_that_only_archived_dossiers_match_says_so_and_leads_there(secretary_client, school):
    # An old client calls back: her dossier was archived at the end of last season.
    old = receive_inquiry(school, first_name="Antoine", last_name="Vincent", email="antoine.vincent@x.fr")
    Inquiry.objects.filter(pk=old.pk).update(archived_at=timezone.now())
    receive_inquiry(school, first_name="Paul", last_name="Durand", email="paul@x.fr")

    page = secretary_client.get(inbox_url(school, "f=1&q=Vincent"))

    text = page_text(page)
    assert "No request matches these criteria" in text or "Aucune demande ne correspond" in text
    assert "1 archived dossier matches them." in text or "1 dossier archivé" in text
    link = next(a for a in page_links(page) if "archived=all" in a)
    found = secretary_client.get(link)
    assert old.reference in found.content.decode()
    assert "q=Vincent" in link


def test_no_word_of_the_archive_when_nothing_matches_there_either(secretary_client, school):
    receive_inquiry(school, first_name="Paul", last_name="Durand", email="paul@x.fr")
    assert "archived=all" not in secretary_client.get(inbox_url(school, "f=1&q=Vincent")).content.decode()


def page_links(page) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', page.content.decode())]
