"""The inbox's reads: filters, free text, keyset pages, the capped count, duplicates."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.inquiries import inbox
from msem.inquiries.dossier import inquiries_archive
from msem.inquiries.inbox import Archived, InboxCriteria, Order, inbox_page, open_duplicates
from msem.inquiries.models import Category, Inquiry, Subject
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def village(school):
    return Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")


@pytest.fixture
def altitude(school):
    return Category.objects.create(school=school, code="altitude", label_fr="Altitude", label_en="High resort")


@pytest.fixture
def private_lessons(school):
    return Subject.objects.create(
        school=school, label_fr="Cours privés", label_en="Private lessons", email="p@valneige.test"
    )


def references(page) -> list[str]:
    return [row.reference for row in page.rows]


def at(moment: dt.datetime, inquiry: Inquiry) -> Inquiry:
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=moment)
    inquiry.refresh_from_db()
    return inquiry


class TestFilters:
    def test_newest_first_and_only_this_schools_dossiers(self, school, other_school):
        first = receive_inquiry(school, email="a@example.org")
        second = receive_inquiry(school, email="b@example.org")
        receive_inquiry(other_school, email="c@example.org")
        at(timezone.now() - timedelta(hours=1), first)

        page = inbox_page(school=school, criteria=InboxCriteria())

        assert references(page) == [second.reference, first.reference]
        assert page.total == 2

    def test_by_categories_several_at_once(self, school, village, altitude):
        in_village = receive_inquiry(school, category=village, email="v@example.org")
        in_altitude = receive_inquiry(school, category=altitude, email="a@example.org")
        unclassified = receive_inquiry(school, category=village, email="n@example.org")
        Inquiry.objects.filter(pk=unclassified.pk).update(category=None)  # received before the categories existed

        assert references(inbox_page(school=school, criteria=InboxCriteria(category_ids=(village.pk,)))) == [
            in_village.reference
        ]
        both = inbox_page(school=school, criteria=InboxCriteria(category_ids=(village.pk, altitude.pk)))
        assert set(references(both)) == {in_village.reference, in_altitude.reference}
        assert unclassified.reference not in references(both)

    def test_by_subject_status_assignee_and_language(self, school, private_lessons, secretary, manager):
        general = receive_inquiry(school, email="g@example.org")
        private = receive_inquiry(school, subject=private_lessons, language="en", email="p@example.org")
        Inquiry.objects.filter(pk=private.pk).update(status=Inquiry.Status.WON, assignee=secretary)

        def matching(**criteria):
            return references(inbox_page(school=school, criteria=InboxCriteria(**criteria)))

        assert matching(subject_id=private_lessons.pk) == [private.reference]
        assert matching(statuses=(Inquiry.Status.WON,)) == [private.reference]
        assert matching(statuses=(Inquiry.Status.NEW, Inquiry.Status.WON)) == [private.reference, general.reference]
        assert matching(assignee_id=secretary.pk) == [private.reference]
        assert matching(assignee_id=manager.pk) == []
        assert matching(unassigned=True) == [general.reference]
        assert matching(language="en") == [private.reference]
        assert matching(language="fr", statuses=(Inquiry.Status.WON,)) == []

    def test_received_between_two_days_in_the_schools_time_zone(self, school):
        # 23:30 in Paris on 14 December is 22:30 UTC: it belongs to the 14th.
        late_evening = at(dt.datetime(2026, 12, 14, 23, 30, tzinfo=PARIS), receive_inquiry(school, email="a@x.fr"))
        next_morning = at(dt.datetime(2026, 12, 15, 0, 10, tzinfo=PARIS), receive_inquiry(school, email="b@x.fr"))
        day = dt.date(2026, 12, 14)

        page = inbox_page(school=school, criteria=InboxCriteria(received_from=day, received_to=day))

        assert references(page) == [late_evening.reference]
        page = inbox_page(school=school, criteria=InboxCriteria(received_from=day + timedelta(days=1)))
        assert references(page) == [next_morning.reference]

    def test_archived_or_not(self, school, manager):
        kept = receive_inquiry(school, email="k@example.org")
        archived = receive_inquiry(school, email="a@example.org")
        inquiries_archive(school=school, actor=manager, inquiry_ids=[archived.pk])

        assert references(inbox_page(school=school, criteria=InboxCriteria())) == [kept.reference]
        yes = inbox_page(school=school, criteria=InboxCriteria(archived=Archived.YES))
        assert references(yes) == [archived.reference]
        assert len(inbox_page(school=school, criteria=InboxCriteria(archived=Archived.ALL)).rows) == 2

    @pytest.mark.parametrize(
        "text", ["helene", "HÉLÈNE", "favre", "helene.favre@exemple", "0612345678", "06 12 34", "chalet des neiges"]
    )
    def test_free_text_in_names_address_phone_and_message_without_accents(self, school, text):
        wanted = receive_inquiry(
            school,
            first_name="Hélène",
            last_name="Favre",
            email="helene.favre@exemple.fr",
            phone="06 12 34 56 78",
            message="Nous logeons au Chalet des Neiges, cours privés ?",
        )
        receive_inquiry(school, first_name="Paul", last_name="Durand", email="paul@x.fr", phone="", message="Bonjour")

        assert references(inbox_page(school=school, criteria=InboxCriteria(text=text))) == [wanted.reference]

    @pytest.mark.parametrize(
        ("stored", "typed"),
        [
            ("+33 6 39 54 26 28", "06 39 54 26 28"),
            ("+33 6 39 54 26 28", "0639542628"),
            ("+33 6 39 54 26 28", "06.39.54.26.28"),
            ("+33639542628", "0033 6 39 54 26 28"),
            ("06 39 54 26 28", "+33 6 39 54 26 28"),
            ("06-39-54-26-28", "+33639542628"),
            ("+44 7700 900123", "+44 7700 900123"),
        ],
    )
    def test_a_phone_number_is_found_however_it_was_written_and_typed(self, school, stored, typed):
        # The client calls back: the secretary types the number as her phone shows it.
        wanted = receive_inquiry(school, phone=stored, message="Bonjour")
        receive_inquiry(school, phone="+33 6 39 54 26 29", email="other@x.fr", message="Bonjour")
        assert references(inbox_page(school=school, criteria=InboxCriteria(text=typed))) == [wanted.reference]

    @pytest.mark.parametrize("few", [1, 3, 200])
    def test_free_text_finds_the_same_dossiers_by_the_index_or_by_reading_the_school(self, school, few, monkeypatch):
        monkeypatch.setattr(inbox, "SQLITE_FEW_IN_INDEX", few)  # 1: read newest first; 200: the index
        chalets = [receive_inquiry(school, message=f"Chalet numéro {n}", email=f"c{n}@x.fr") for n in range(3)]
        receive_inquiry(school, message="Hôtel", email="h@x.fr")
        Inquiry.objects.filter(pk=chalets[1].pk).update(archived_at=timezone.now())

        def found(text, **criteria):
            return references(inbox_page(school=school, criteria=InboxCriteria(text=text, **criteria)))

        assert found("chalet") == [chalets[2].reference, chalets[0].reference]
        assert found("chalet", archived=Archived.ALL) == [c.reference for c in reversed(chalets)]
        assert found("zzyzx") == []
        assert len(found("hotel")) == 1

    def test_free_text_finds_a_reference(self, school):
        first = receive_inquiry(school, email="a@x.fr")
        receive_inquiry(school, email="b@x.fr")
        assert references(inbox_page(school=school, criteria=InboxCriteria(text=first.reference.lower()))) == [
            first.reference
        ]

    @pytest.mark.parametrize("text", ["claire.simon744@example.fr", "simon744@example", "744@exa"])
    def test_free_text_with_a_rare_word_checks_the_whole_term(self, school, text):
        # On PostgreSQL the word with digits goes through the trigram index, the whole term filters.
        wanted = receive_inquiry(school, email="claire.simon744@example.fr", phone="")
        receive_inquiry(school, email="paul.simon744@other.org", phone="", message="Bonjour")
        receive_inquiry(school, email="claire.simon745@example.fr", phone="", message="Bonjour")
        assert references(inbox_page(school=school, criteria=InboxCriteria(text=text))) == [wanted.reference]

    @pytest.mark.parametrize("text", ["claire.simon@example.fr", "claire.simon@exa", "simon@example.fr"])
    def test_an_address_without_digits_is_looked_up_by_its_first_part_and_checked_whole(self, school, text):
        wanted = receive_inquiry(school, email="claire.simon@example.fr", phone="")
        receive_inquiry(school, email="claire.simon@other.org", phone="", message="Bonjour")
        receive_inquiry(school, email="paul.simon@other.org", phone="", message="Bonjour")
        assert references(inbox_page(school=school, criteria=InboxCriteria(text=text))) == [wanted.reference]

    def test_the_trigram_index_follows_changes_of_the_text(self, school):
        # SQLite's FTS5 index is kept by triggers: an update of the text and a delete must reach it.
        changed = receive_inquiry(school, email="old.name12345@example.fr", phone="")
        deleted = receive_inquiry(school, email="gone.name12345@example.fr", phone="")
        Inquiry.objects.filter(pk=changed.pk).update(search_text="new.name67890@example.fr")
        Inquiry.objects.filter(pk=deleted.pk).delete()

        def found(text: str) -> list[str]:
            return references(inbox_page(school=school, criteria=InboxCriteria(text=text)))

        assert found("name12345") == []
        assert found("new.name67890@example") == [changed.reference]

    def test_a_whole_reference_is_found_by_its_index_and_only_that_dossier(self, school):
        first = receive_inquiry(school, email="a@x.fr")
        receive_inquiry(school, email="b@x.fr", message=f"Suite à {first.reference}")
        assert references(inbox_page(school=school, criteria=InboxCriteria(text=f" {first.reference} "))) == [
            first.reference
        ]
        assert references(inbox_page(school=school, criteria=InboxCriteria(text="DEM-1999-00001"))) == []

    def test_a_search_counts_up_to_a_page(self, school, monkeypatch):
        monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
        for number in range(5):
            receive_inquiry(school, email=f"c{number}@example.org", message="Cours de snowboard ?")
        found = inbox_page(school=school, criteria=InboxCriteria(text="snowboard"))
        assert (len(found.rows), found.total, found.total_is_capped) == (3, 3, True)
        rest = inbox_page(school=school, criteria=InboxCriteria(text="snowboard"), after=found.next_cursor)
        assert (len(rest.rows), rest.next_cursor) == (2, None)
        assert (inbox_page(school=school, criteria=InboxCriteria(text="c4@")).total, found.total_is_capped) == (1, True)

    @pytest.mark.parametrize("recent", [2, 4, 2000])
    def test_a_search_finds_the_same_pages_whether_the_newest_rows_hold_a_page_or_not(
        self, school, recent, monkeypatch
    ):
        # On PostgreSQL the newest rows are read first (RECENT_ROWS_FIRST), then the trigram index
        # when they hold less than a page: 2 and 4 hold fewer snowboard dossiers than a page, 2000 all.
        monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
        monkeypatch.setattr(inbox, "RECENT_ROWS_FIRST", recent)
        snowboard = [receive_inquiry(school, email=f"s{n}@x.org", message="Cours de snowboard ?") for n in range(5)]
        others = [receive_inquiry(school, email=f"o{n}@x.org", message="Bonjour") for n in range(3)]
        start = timezone.now() - timedelta(days=1)
        for minutes, inquiry in enumerate(snowboard + others):
            at(start + timedelta(minutes=minutes), inquiry)

        def every_page(**criteria) -> list[str]:
            seen, after = [], None
            while True:
                page = inbox_page(school=school, criteria=InboxCriteria(**criteria), after=after)
                seen += references(page)
                if page.next_cursor is None:
                    return seen
                after = page.next_cursor

        assert every_page(text="snowboard") == [inquiry.reference for inquiry in reversed(snowboard)]
        assert every_page(text="snowboard", order=Order.OLDEST) == [inquiry.reference for inquiry in snowboard]
        assert every_page(text="bonjour", archived=Archived.ALL) == [inquiry.reference for inquiry in reversed(others)]
        assert every_page(text="zzyzx") == []

    def test_on_postgresql_a_search_is_one_statement(self, school, monkeypatch):
        monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
        for number in range(5):
            receive_inquiry(school, email=f"c{number}@example.org", message="Cours de snowboard ?")
        with CaptureQueriesContext(connection) as queries:
            page = inbox_page(school=school, criteria=InboxCriteria(text="snowboard"))
        assert (len(page.rows), page.total_is_capped) == (3, True)
        searches = [query["sql"] for query in queries if "search_text" in query["sql"]]
        # On PostgreSQL the newest rows and, if need be, the index in one statement; on SQLite, the trigram
        # index is first asked how many rows hold the term.
        assert len(searches) == (1 if connection.vendor == "postgresql" else 2), searches

    def test_free_text_percent_and_underscore_are_literal(self, school):
        receive_inquiry(school, message="Réduction de 10% possible ?", email="a@x.fr")
        receive_inquiry(school, message="Bonjour", email="b@x.fr")
        assert len(inbox_page(school=school, criteria=InboxCriteria(text="10%")).rows) == 1
        assert len(inbox_page(school=school, criteria=InboxCriteria(text="_")).rows) == 0


class TestPages:
    def test_keyset_pages_of_fifty_cover_everything_once(self, school):
        created = [receive_inquiry(school, email=f"c{n}@example.org").reference for n in range(120)]
        # Several dossiers received at the very same instant: the id breaks the tie.
        Inquiry.objects.filter(reference__in=created[:10]).update(received_at=timezone.now() - timedelta(days=1))

        seen, after, pages = [], None, 0
        while True:
            page = inbox_page(school=school, criteria=InboxCriteria(), after=after)
            pages += 1
            seen += references(page)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert pages == 3
        assert sorted(seen) == sorted(created)
        assert len(seen) == len(set(seen))

    def test_oldest_first(self, school):
        created = [receive_inquiry(school, email=f"c{n}@example.org").reference for n in range(60)]
        first = inbox_page(school=school, criteria=InboxCriteria(order=Order.OLDEST))
        second = inbox_page(school=school, criteria=InboxCriteria(order=Order.OLDEST), after=first.next_cursor)
        assert references(first) + references(second) == created

    def test_the_count_is_capped_on_large_schools(self, school, monkeypatch):
        monkeypatch.setattr(inbox, "COUNT_CAP", 5)
        for number in range(7):
            receive_inquiry(school, email=f"c{number}@example.org")
        page = inbox_page(school=school, criteria=InboxCriteria())
        assert (page.total, page.total_is_capped) == (5, True)

    def test_every_page_counts_all_the_matches_even_a_page_emptied_since(self, school, manager):
        created = [receive_inquiry(school, email=f"c{n}@example.org") for n in range(55)]
        first = inbox_page(school=school, criteria=InboxCriteria())
        assert (first.total, first.total_is_capped, len(first.rows)) == (55, False, 50)
        second = inbox_page(school=school, criteria=InboxCriteria(), after=first.next_cursor)
        assert (second.total, len(second.rows)) == (55, 5)

        # The five of the second page archived meanwhile: it is empty, and the count still right.
        inquiries_archive(school=school, actor=manager, inquiry_ids=[i.pk for i in created[:5]], archive=True)
        emptied = inbox_page(school=school, criteria=InboxCriteria(), after=first.next_cursor)
        assert (emptied.total, emptied.rows, emptied.next_cursor) == (50, [], None)
        archived = InboxCriteria(archived=Archived.YES)
        assert inbox_page(school=school, criteria=archived).total == 5
        assert inbox_page(school=school, criteria=InboxCriteria(language="en")).total == 0

    def test_a_cursor_is_refused_unless_we_made_it(self):
        for bad in ("", "abc", "bm90IGEgY3Vyc29y", "MjAyNi0wMS0wMXwx"):
            with pytest.raises(ValueError):  # noqa: PT011
                inbox.Cursor.decode(bad)


def every_page(school, criteria: InboxCriteria) -> tuple[list[str], list[int]]:
    """The references of every page, walked with each page's cursor, and the pages' counts."""
    seen, totals, after = [], [], None
    while True:
        page = inbox_page(school=school, criteria=criteria, after=after)
        seen += references(page)
        totals.append(page.total)
        if page.next_cursor is None:
            return seen, totals
        after = page.next_cursor


class TestSoonestArrivalFirst:
    """By arrival: the dated dossiers by date then id, the undated after them, over pages of three."""

    @pytest.fixture
    def stays(self, school, monkeypatch):
        """Eleven dossiers: ties on one date, a stay of last season, four without an arrival date."""
        monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
        today = timezone.localdate()
        arrivals = [
            today + timedelta(days=10),
            None,
            today + timedelta(days=3),
            today + timedelta(days=10),
            today - timedelta(days=300),  # last season's, never archived
            None,
            today + timedelta(days=10),
            today + timedelta(days=3),
            None,
            today + timedelta(days=40),
            None,
        ]
        dossiers = []
        for number, arrival in enumerate(arrivals):
            message = f"Cours de snowboard {number} ?" + (" Et du télémark." if arrival is None else "")
            inquiry = receive_inquiry(school, email=f"s{number}@x.org", message=message, arrival_date=arrival)
            if arrival is None:  # a departure alone: still undated for this order
                Inquiry.objects.filter(pk=inquiry.pk).update(departure_date=today + timedelta(days=5))
            dossiers.append(inquiry)
        # Received in the reverse order of their ids: no order by reception passes for this one.
        start = timezone.now() - timedelta(days=1)
        for minutes, inquiry in enumerate(reversed(dossiers)):
            at(start + timedelta(minutes=minutes), inquiry)
        return dossiers

    @staticmethod
    def expected(dossiers) -> list[str]:
        dated = sorted((i for i in dossiers if i.arrival_date), key=lambda i: (i.arrival_date, i.pk))
        undated = sorted((i for i in dossiers if not i.arrival_date), key=lambda i: i.pk)
        return [inquiry.reference for inquiry in dated + undated]

    def test_every_page_in_order_each_dossier_once_the_undated_last(self, school, stays):
        seen, totals = every_page(school, InboxCriteria(order=Order.ARRIVAL))
        assert seen == self.expected(stays)
        assert len(seen) == len(set(seen)) == 11
        assert seen[-4:] == [inquiry.reference for inquiry in stays if inquiry.arrival_date is None]
        assert set(totals) == {11}  # four pages, each counting every match

    def test_with_each_filter_combined(self, school, stays, secretary):
        Inquiry.objects.filter(pk__in=[stays[0].pk, stays[1].pk, stays[6].pk, stays[8].pk]).update(
            status=Inquiry.Status.IN_PROGRESS, assignee=secretary
        )
        Inquiry.objects.filter(pk=stays[6].pk).update(archived_at=timezone.now())
        for inquiry in stays:
            inquiry.refresh_from_db()
        criteria = InboxCriteria(order=Order.ARRIVAL, statuses=(Inquiry.Status.IN_PROGRESS,), assignee_id=secretary.pk)
        kept = [stays[0], stays[1], stays[8]]
        assert every_page(school, criteria)[0] == self.expected(kept)
        archived_too = replace(criteria, archived=Archived.ALL)
        assert every_page(school, archived_too)[0] == self.expected([*kept, stays[6]])
        received = replace(archived_too, received_from=timezone.localdate() - timedelta(days=1), language="fr")
        assert every_page(school, received)[0] == self.expected([*kept, stays[6]])
        assert every_page(school, replace(received, language="en"))[0] == []

    @pytest.mark.parametrize("recent", [2, 4, 2000])
    def test_with_a_search_term(self, school, stays, recent, monkeypatch):
        # On PostgreSQL the first rows in the list's order are read before the trigram index (as newest
        # first, RECENT_ROWS_FIRST): 2 and 4 hold fewer matches than a page, 2000 all of them.
        monkeypatch.setattr(inbox, "RECENT_ROWS_FIRST", recent)
        others = [receive_inquiry(school, email=f"o{n}@x.org", message="Bonjour") for n in range(3)]
        assert every_page(school, InboxCriteria(order=Order.ARRIVAL, text="snowboard"))[0] == self.expected(stays)
        everything = every_page(school, InboxCriteria(order=Order.ARRIVAL, text="x.org"))[0]
        assert everything == self.expected([*stays, *others])
        # A search whose matches are all undated, or all dated.
        undated = [inquiry for inquiry in stays if inquiry.arrival_date is None]
        assert every_page(school, InboxCriteria(order=Order.ARRIVAL, text="snowboard 1 ?"))[0] == [stays[1].reference]
        assert every_page(school, InboxCriteria(order=Order.ARRIVAL, text="telemark"))[0] == self.expected(undated)

    def test_the_csv_exports_order_is_the_lists(self, school, stays):
        rows = inbox.inbox_queryset(school=school, criteria=InboxCriteria(order=Order.ARRIVAL))
        assert list(rows.values_list("reference", flat=True)) == self.expected(stays)

    def test_a_page_link_of_another_order_is_refused(self, school, stays):
        by_arrival = inbox_page(school=school, criteria=InboxCriteria(order=Order.ARRIVAL))
        newest = inbox_page(school=school, criteria=InboxCriteria())
        assert isinstance(by_arrival.next_cursor, inbox.ArrivalCursor)
        with pytest.raises(ValueError, match="another order"):
            inbox_page(school=school, criteria=InboxCriteria(order=Order.ARRIVAL), after=newest.next_cursor)
        with pytest.raises(ValueError, match="another order"):
            inbox_page(school=school, criteria=InboxCriteria(order=Order.OLDEST), after=by_arrival.next_cursor)

    def test_the_cursor_says_the_date_or_none(self):
        for day in (dt.date(2026, 12, 27), None):
            cursor = inbox.ArrivalCursor(arrival_date=day, inquiry_id=123)
            assert inbox.Cursor.decode(cursor.encode()) == cursor
        for bad in ("a|2026-13-01|1", "a|2026-12-27|", "a|2026-12-27|1|2", "b||1"):
            with pytest.raises(ValueError):  # noqa: PT011
                inbox.Cursor.decode(base64.urlsafe_b64encode(bad.encode()).decode())


class TestDuplicates:
    def test_an_open_dossier_from_the_same_address_within_a_week(self, school):
        first = receive_inquiry(school, email="claire@example.org")
        second = receive_inquiry(school, email="Claire@Example.org")
        other = receive_inquiry(school, email="paul@example.org")
        old = at(timezone.now() - timedelta(days=9), receive_inquiry(school, email="claire@example.org"))

        assert list(open_duplicates(inquiry=second)) == [first]
        assert list(open_duplicates(inquiry=other)) == []
        assert old not in open_duplicates(inquiry=first)

    def test_closed_or_archived_ones_are_not_duplicates(self, school, manager):
        first = receive_inquiry(school, email="claire@example.org")
        second = receive_inquiry(school, email="claire@example.org")
        Inquiry.objects.filter(pk=first.pk).update(status=Inquiry.Status.LOST)
        assert list(open_duplicates(inquiry=second)) == []
