"""Build the trigram index of each large school, drop those of deleted schools (PostgreSQL).

The scheduler does it every hour; this is for a deployment that wants it now
(after importing a school's history, say). See msem/inquiries/search_indexes.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from msem.inquiries.search_indexes import school_search_indexes_ensure


class Command(BaseCommand):
    help = "Give every school with many dossiers its own search index (PostgreSQL); drop those of deleted schools."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-dossiers",
            type=int,
            default=None,
            help="schools with this many dossiers or more (default: MSEM_SCHOOL_SEARCH_INDEX_MIN_DOSSIERS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: schools have their own search index on PostgreSQL only.")
            return
        minimum = options["min_dossiers"]
        if minimum is not None and minimum < 1:
            raise CommandError("--min-dossiers must be 1 or more.")
        changes = school_search_indexes_ensure(min_dossiers=minimum)
        if changes.skipped:
            raise CommandError("Another process is building the search indexes: try again in a moment.")
        for name in changes.created:
            self.stdout.write(f"Built {name}.")
        for name in changes.dropped:
            self.stdout.write(f"Dropped {name}.")
        if not (changes.created or changes.dropped):
            self.stdout.write("Every large school has its search index.")
