"""On PostgreSQL, a statement the app runs again and again is prepared on its connection."""

from __future__ import annotations

import pytest
from django.db import connection

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
