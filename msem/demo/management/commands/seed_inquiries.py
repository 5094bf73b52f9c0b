"""Generate realistic dossiers in volume, for benchmarks and demos.

manage.py seed_inquiries --schools 200 --per-school 5000
manage.py seed_inquiries --schools 9 --per-school 100000 --large-school 100000
manage.py seed_inquiries --school demo --per-school 60 --years 0
manage.py seed_inquiries --schools 50 --per-school 100000 --sql   # PostgreSQL: generated in the database
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from msem.accounts.models import Membership
from msem.commercial_settings.services import school_create
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create
from msem.demo.inquiry_sql import inquiries_generate_sql
from msem.inquiries.selectors import categories_live, subjects_live
from msem.inquiries.services import CategoryLine, SubjectLine, categories_sync, subjects_sync
from msem.schools.models import School

BENCH_SUBJECTS = [
    ("Cours collectifs", "Group lessons"),
    ("Cours particuliers", "Private lessons"),
    ("Groupes et scolaires", "Groups and schools"),
    ("Hors-piste et randonnée", "Off-piste and touring"),
]
BENCH_CATEGORIES = [
    ("village", "Village", "Village"),
    ("altitude", "Station altitude", "High resort"),
    ("front-de-neige", "Front de neige", "Slope side"),
    ("partenaires", "Partenaires", "Partners"),
    ("je-ne-sais-pas", "Je ne sais pas", "I don't know yet"),
]


def bench_school(slug: str, name: str) -> School:
    school = School.objects.filter(slug=slug).first()
    if school is not None:
        return school
    school = school_create(name=name, slug=slug, main_email=f"info@{slug}.bench.test")
    first = subjects_live(school=school).get()
    subjects_sync(
        school=school,
        lines=[SubjectLine(first.pk, "Demande d’informations", "Request for information", school.main_email)]
        + [SubjectLine(None, fr, en, f"{index}@{slug}.bench.test") for index, (fr, en) in enumerate(BENCH_SUBJECTS)],
    )
    categories_sync(school=school, lines=[CategoryLine(None, code, fr, en) for code, fr, en in BENCH_CATEGORIES])
    return school


class Command(BaseCommand):
    help = "Generate realistic dossiers in volume (benchmarks, demos)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schools", type=int, default=0, help="bench schools to fill (created if missing)")
        parser.add_argument("--per-school", type=int, default=5000, help="dossiers per school")
        parser.add_argument("--large-school", type=int, default=0, help="dossiers of one extra, large school")
        parser.add_argument("--school", default="", help="fill this existing school (slug) instead")
        parser.add_argument("--years", type=float, default=3, help="spread over this many years back (0: 3 weeks)")
        parser.add_argument("--no-events", action="store_true", help="skip the timeline's first event (faster)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--sql",
            action="store_true",
            help="PostgreSQL: generate the dossiers in the database (generate_series), without events; much faster",
        )
        parser.add_argument("--first-school", type=int, default=1, help="number of the first bench school to fill")

    def handle(self, *args: Any, **options: Any) -> None:
        targets: list[tuple[School, int]] = []
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"No school with the slug {options['school']!r}.")
            targets.append((school, options["per_school"]))
        if options["sql"] and connection.vendor != "postgresql":
            raise CommandError("--sql needs PostgreSQL.")
        first = options["first_school"]
        for number in range(first, first + options["schools"]):
            targets.append((bench_school(f"bench-{number:04d}", f"ESF Bench {number:04d}"), options["per_school"]))
        if options["large_school"]:
            targets.append((bench_school("bench-large", "ESF Bench Large"), options["large_school"]))
        if not targets:
            raise CommandError("Say which schools to fill: --schools N, --large-school N or --school SLUG.")
        end = timezone.now()
        days = options["years"] * 365 if options["years"] else 21
        start = end - timedelta(days=days)
        total, began = 0, time.monotonic()
        for school, count in targets:
            staff = [m.user for m in Membership.objects.for_school(school).select_related("user")]
            choices = SchoolChoices(
                subjects=list(subjects_live(school=school)),
                categories=list(categories_live(school=school)),
                staff=staff,
            )
            remaining = count
            if options["sql"]:
                total += inquiries_generate_sql(school, choices, count=count, start=start, end=end, now=end)
                remaining = 0
            while remaining:
                batch = min(remaining, 20_000)
                generated = list(
                    generate_inquiries(
                        school, choices, count=batch, start=start, end=end, seed=options["seed"] + remaining
                    )
                )
                total += inquiries_bulk_create(school, generated, with_events=not options["no_events"])
                remaining -= batch
            self.stdout.write(f"{school.slug}: {count} dossiers")
        self.stdout.write(f"{total} dossiers in {time.monotonic() - began:.0f} s")
