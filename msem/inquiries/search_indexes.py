"""A trigram index of its own for each large school (PostgreSQL).

The inbox's free-text search reads the trigram index of the dossiers' search
text (migration 0003, `inquiry_search_trgm`). That index holds every school's
texts: a first and last name are made of common trigrams ("lea", "mor",
"eau"), whose lists hold every school's dossiers, so the search of one school
grew with the table (bench/scale.py: 14 times the login page at 1 000 000
dossiers, 20 times at 5 000 000). A partial index per school
(`WHERE school_id = 42`) holds only that school's texts: its lists, and the
search, grow with the school, not with the table (a name at 1 000 000
dossiers: 20–28 ms in the shared index, 2–7 ms in the school's own).

Only schools of MSEM_SCHOOL_SEARCH_INDEX_MIN_DOSSIERS dossiers or more get one:
a small school's search reads its own rows newest first, which costs what the
school holds. Every index on the table costs the planner a little on every
query of the table, and each insert checks every index's condition; a few
dozen large schools are fine (docs/performance.md, "Scale").

The indexes are not in the migrations (which schools are large is data, not
schema): `school_search_indexes_ensure` creates the missing ones and drops
those of deleted schools, hourly from the scheduler, and by
`manage.py school_search_indexes`. It builds CONCURRENTLY, so the form and the
inbox keep writing while an index is built, and takes an advisory lock, so
that two workers do not build the same index twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django_tasks import task

from msem.inquiries.models import Inquiry
from msem.schools.models import School

logger = logging.getLogger(__name__)

PREFIX = "inquiry_trgm_school_"
_NAME = re.compile(rf"^{PREFIX}(\d+)$")
# pg_try_advisory_lock's key: "msem" and "search" in ASCII, any constant no other lock uses.
_LOCK_KEY = 0x6D73656D_73656172


@dataclass
class SearchIndexChanges:
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    skipped: bool = False  # another process holds the lock, or the database is not PostgreSQL


def school_search_index_name(school_id: int) -> str:
    return f"{PREFIX}{school_id}"


def school_search_indexes_present() -> dict[int, bool]:
    """The schools' own trigram indexes, by school id: valid (True) or left invalid by a failed build."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s",
            [Inquiry._meta.db_table, f"{PREFIX}%"],
        )
        rows = cursor.fetchall()
    return {int(match.group(1)): valid for name, valid in rows if (match := _NAME.match(name))}


def _large_school_ids(min_dossiers: int) -> set[int]:
    counts = Inquiry.objects.values("school_id").annotate(dossiers=Count("id")).filter(dossiers__gte=min_dossiers)
    live = set(School.objects.values_list("pk", flat=True))
    return {row["school_id"] for row in counts if row["school_id"] in live}


def school_search_indexes_ensure(*, min_dossiers: int | None = None, concurrently: bool = True) -> SearchIndexChanges:
    """Give every large school its trigram index; drop those of schools that are gone.

    Runs outside any transaction (CREATE INDEX CONCURRENTLY cannot run in one).
    A school that shrinks below the threshold keeps its index: a flapping
    school would otherwise cost a build of the whole table at each crossing.
    `concurrently=False` builds in one pass but blocks writes to the table
    meanwhile: for a database nobody writes to (bench/scale.py while it grows).
    """
    changes = SearchIndexChanges()
    if connection.vendor != "postgresql":
        changes.skipped = True
        return changes
    if concurrently and connection.in_atomic_block:
        raise RuntimeError("school_search_indexes_ensure builds indexes concurrently: call it outside a transaction.")
    how = "CONCURRENTLY " if concurrently else ""
    threshold = settings.MSEM_SCHOOL_SEARCH_INDEX_MIN_DOSSIERS if min_dossiers is None else min_dossiers
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            changes.skipped = True
            return changes
        try:
            present = school_search_indexes_present()
            live = set(School.objects.values_list("pk", flat=True))
            for school_id, valid in sorted(present.items()):
                # A build that failed halfway leaves an invalid index that is still maintained on every
                # insert but never read: drop it, it is built again below.
                if school_id not in live or not valid:
                    name = school_search_index_name(school_id)
                    cursor.execute(f'DROP INDEX {how}IF EXISTS "{name}"')
                    changes.dropped.append(name)
                    present.pop(school_id)
            for school_id in sorted(_large_school_ids(threshold) - set(present)):
                name = school_search_index_name(school_id)
                # school_id is an integer from the database, never from a request.
                cursor.execute(
                    f'CREATE INDEX {how}IF NOT EXISTS "{name}" ON "{Inquiry._meta.db_table}" '
                    f"USING gin (search_text gin_trgm_ops) WHERE school_id = {int(school_id)}"
                )
                changes.created.append(name)
                logger.info("search index built", extra={"index": name, "school_id": school_id})
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
    return changes


@task()
def school_search_indexes_task() -> dict[str, list[str]]:
    """The hourly chore (msem/platform/scheduling.py)."""
    changes = school_search_indexes_ensure()
    return {"created": changes.created, "dropped": changes.dropped}
