"""Writes of the tenancy domain."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from msem.platform.secret_box import boxes_seal_again
from msem.schools.models import CONNECTOR_TOKEN_PURPOSE, DocumentCounter, School


def _counter_increment(*, school: School, series: str, year: int) -> int | None:
    """The counter's new value, or None when the series has no counter yet for that year.

    One statement (UPDATE … RETURNING, in SQLite since 3.35 and in PostgreSQL):
    it runs in every request that creates a dossier, inside its transaction.
    """
    quote = connection.ops.quote_name
    table = quote(DocumentCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('last_value')} = {quote('last_value')} + 1 "  # noqa: S608 (names, not input)
            f"WHERE {table}.{quote('school_id')} = %s AND {table}.{quote('series')} = %s "
            f"AND {table}.{quote('year')} = %s RETURNING {quote('last_value')}",
            [school.pk, series, year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def document_number_next(*, school: School, series: str, year: int) -> int:
    """The next number of a series, unique per school and year, without gaps under concurrency.

    The UPDATE locks the counter row until the caller's transaction ends, so
    two concurrent callers get consecutive numbers; a rolled-back caller
    gives its number back.
    """
    with transaction.atomic():
        number = _counter_increment(school=school, series=series, year=year)
        if number is not None:
            return number
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(school=school, series=series, year=year, last_value=1)
                return 1
        except IntegrityError:
            # Created by a concurrent caller in the meantime.
            number = _counter_increment(school=school, series=series, year=year)
            assert number is not None, "the counter a concurrent caller created is there"
            return number


@transaction.atomic
def school_connector_token_set(*, school: School, token: str) -> School:
    """Save the school's own 4807 token, sealed ("" removes it: MSEM_4807_TOKEN is then used).

    No audit record: a change by a platform administrator goes through
    msem.commercial_settings.services.school_update_by_platform, which writes one.
    """
    school.connector_token_seal(token)
    school.save(update_fields=["connector_token_box"])
    return school


def connector_tokens_seal_again() -> tuple[int, list[str]]:
    """After a SECRET_KEY rotation: every school's token sealed under the current key.

    Returns how many were sealed again and the slugs of the schools whose token no key opens
    (to enter again in the admin). Once it reports none, the old key can leave SECRET_KEY_FALLBACKS
    as far as the tokens are concerned.
    """
    return boxes_seal_again(
        School.objects.exclude(connector_token_box="").only("pk", "slug", "connector_token_box"),
        box_field="connector_token_box",
        purpose=CONNECTOR_TOKEN_PURPOSE,
        owner=lambda school: str(school.pk),
        name=lambda school: school.slug,
    )
