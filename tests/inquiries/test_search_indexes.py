"""A large school's own trigram index (PostgreSQL): built, used by the inbox's search, kept tidy."""

from __future__ import annotations

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from msem.inquiries import search_indexes
from msem.inquiries.inbox import InboxCriteria, inbox_page, inbox_queryset
from msem.inquiries.search_indexes import (
    school_search_index_name,
    school_search_indexes_ensure,
    school_search_indexes_present,
)
from tests.factories import SchoolFactory
from tests.inquiries.helpers import receive_inquiry

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="schools have their own search index on PostgreSQL only"
)


@pytest.fixture
def no_school_indexes():
    """CREATE INDEX CONCURRENTLY needs committed rows (transactional tests), and indexes outlive a flush."""
    yield
    with connection.cursor() as cursor:
        for school_id in school_search_indexes_present():
            cursor.execute(f'DROP INDEX IF EXISTS "{school_search_index_name(school_id)}"')


def _receive(school, count: int, **overrides) -> list:
    return [receive_inquiry(school, email=f"client{number}@example.org", **overrides) for number in range(count)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_school_indexes")
class TestSchoolSearchIndexes:
    def test_a_school_over_the_threshold_gets_its_index_once(self, school, other_school):
        _receive(school, 3)
        _receive(other_school, 1)

        first = school_search_indexes_ensure(min_dossiers=2)
        again = school_search_indexes_ensure(min_dossiers=2)

        assert first.created == [school_search_index_name(school.pk)]
        assert school_search_indexes_present() == {school.pk: True}
        assert (again.created, again.dropped, again.skipped) == ([], [], False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [first.created[0]])
            (definition,) = cursor.fetchone()
        assert f"WHERE (school_id = {school.pk})" in definition
        assert "gin (search_text gin_trgm_ops)" in definition

    def test_the_inbox_search_reads_the_schools_own_index_and_finds_the_same_dossiers(self, school, other_school):
        wanted = receive_inquiry(school, first_name="Léa", last_name="Moreau", email="lea.moreau@example.fr")
        _receive(school, 3, first_name="Paul", last_name="Durand")
        receive_inquiry(other_school, first_name="Léa", last_name="Moreau", email="lea.moreau@example.fr")
        criteria = InboxCriteria(text="lea moreau")
        before = [row.reference for row in inbox_page(school=school, criteria=criteria).rows]

        school_search_indexes_ensure(min_dossiers=2)

        assert [row.reference for row in inbox_page(school=school, criteria=criteria).rows] == before
        assert before == [wanted.reference]
        # A handful of rows: the planner would read them all whatever the indexes. To see that the
        # school's index serves the query (its condition matches the query's school), the table's
        # other indexes are dropped in a transaction that is rolled back.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'inquiries_inquiry' AND indexname NOT LIKE %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [f"{search_indexes.PREFIX}%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'inquiries_inquiry'::regclass AND contype = 'u'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE inquiries_inquiry DROP CONSTRAINT "{name}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")  # the primary key's index, in id order
            plan = inbox_queryset(school=school, criteria=criteria).explain()
            transaction.set_rollback(True)
        assert school_search_index_name(school.pk) in plan

    def test_the_index_of_a_deleted_school_and_an_invalid_one_are_dropped(self, school):
        _receive(school, 2)
        school_search_indexes_ensure(min_dossiers=2)
        gone = SchoolFactory(slug="fermee")
        gone_index = school_search_index_name(gone.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE INDEX "{gone_index}" ON inquiries_inquiry USING gin (search_text gin_trgm_ops) '
                f"WHERE school_id = {gone.pk}"
            )
            gone.delete()
            # What a CREATE INDEX CONCURRENTLY that failed halfway leaves behind.
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
                [school_search_index_name(school.pk)],
            )

        changes = school_search_indexes_ensure(min_dossiers=2)

        assert sorted(changes.dropped) == sorted([gone_index, school_search_index_name(school.pk)])
        assert changes.created == [school_search_index_name(school.pk)]
        assert school_search_indexes_present() == {school.pk: True}

    def test_a_second_builder_waits_for_the_next_round(self, school):
        _receive(school, 2)
        settings = connection.settings_dict
        other = psycopg.connect(
            host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
        )
        try:
            other.execute("SELECT pg_advisory_lock(%s)", [search_indexes._LOCK_KEY])
            assert school_search_indexes_ensure(min_dossiers=2).skipped
            with translation.override("fr"), pytest.raises(CommandError, match="Another process"):
                call_command("school_search_indexes", min_dossiers=2)
            assert school_search_indexes_present() == {}
        finally:
            other.execute("SELECT pg_advisory_unlock(%s)", [search_indexes._LOCK_KEY])
            other.close()
        assert school_search_indexes_ensure(min_dossiers=2).created == [school_search_index_name(school.pk)]

    def test_the_command_says_what_it_built(self, school, capsys):
        _receive(school, 2)
        call_command("school_search_indexes", min_dossiers=2)
        call_command("school_search_indexes", min_dossiers=2)
        first, again = capsys.readouterr().out.strip().splitlines()
        assert school_search_index_name(school.pk) in first
        assert school_search_index_name(school.pk) not in again  # nothing more to build


@pytest.mark.django_db
def test_not_inside_a_transaction(school):
    if connection.vendor != "postgresql":
        assert school_search_indexes_ensure(min_dossiers=1).skipped
        return
    with pytest.raises(RuntimeError, match="outside a transaction"):
        school_search_indexes_ensure(min_dossiers=1)


@pytest.mark.django_db
def test_the_command_refuses_a_threshold_below_one(school):
    if connection.vendor != "postgresql":
        pytest.skip("the command does nothing on SQLite")
    with pytest.raises(CommandError):
        call_command("school_search_indexes", min_dossiers=0)
