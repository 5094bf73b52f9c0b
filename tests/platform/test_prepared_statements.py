"""On PostgreSQL, a statement the app runs again and again is prepared on its connection."""

from __future__ import annotations

import pytest
from django.db import connection

from msem.platform.statement_planning import planned_for_their_values

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def test_the_inbox_queries_are_prepared_after_a_few_pages(secretary_client, school):
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql IS FALSE")
            return [statement for (statement,) in cursor.fetchall()]

    before = prepared()
    for _ in range(6):
        assert secretary_client.get(f"/backoffice/{school.slug}/inquiries/?f=1").status_code == 200
    statements = [statement for statement in prepared() if statement not in before]
    assert any('FROM "inquiries_inquiry"' in statement and "$1" in statement for statement in statements)
    assert any('FROM "django_session"' in statement for statement in statements)


def test_a_search_is_planned_for_its_term_each_time(secretary_client, school):
    """The same statement finds a rare name through the trigram index and a common word in order."""

    def prepared_searches() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%LIKE%%'")
            return cursor.fetchone()[0]

    for term in ["martin", "zzyzx", "cours particulier"] * 3:
        assert secretary_client.get(f"/backoffice/{school.slug}/inquiries/", {"f": "1", "q": term}).status_code == 200
    assert prepared_searches() == 0
    # The other statements of the page are still prepared.
    assert connection.connection.prepare_threshold == 5


def test_statements_are_prepared_again_after_the_search_even_when_it_fails():
    thresholds = []

    def failing_search() -> None:
        with planned_for_their_values():
            thresholds.append(connection.connection.prepare_threshold)
            raise ConnectionError

    with pytest.raises(ConnectionError):
        failing_search()
    assert thresholds == [None]
    assert connection.connection.prepare_threshold == 5
