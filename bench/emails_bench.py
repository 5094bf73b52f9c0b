"""E-mails page: counting a school's 100 000 e-mails to the end, or only as far as the page needs.

One command, from the repository's root (a few minutes):

    .venv/bin/python bench/emails_bench.py

For each database (SQLite in a temporary directory, then a fresh PostgreSQL database created on
$BENCH_POSTGRES_URL — default postgres://postgres@127.0.0.1:5432/postgres — and dropped at the
end), it migrates, writes N e-mails of one school (and half as many of another; their created_at
is the seeding's time, as only their number matters here), runs ANALYZE, then times, interleaved,
in process:

- the count the E-mails page made before (Django's Paginator: every row of the school), and the
  one it makes now (`CappedPaginator`: at most 1 001 rows), for the unfiltered list and for "sent";
- the E-mails page itself through the whole Django stack, unfiltered and "sent", beside the login
  page (the machine is shared and noisy: ratios hold better than times).

Options: --emails 20000 --requests 10 --backends sqlite for a quick run.
Results and the command are in docs/performance.md ("The E-mails page counted").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.in_process import child_report, percentile, print_result, reports_per_backend  # noqa: E402


def run_one(emails: int, requests: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    school, manager = _seed(emails)
    return _measure(school, manager, requests)


def _seed(emails: int) -> tuple:
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from msem.accounts.models import Membership, Role, User
    from msem.commercial_settings.services import school_create
    from msem.mailing.models import OutgoingEmail

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    school = school_create(name="École du banc d'essai", slug="bench-emails", main_email="ecole@bench.test")
    other = school_create(name="Autre école", slug="bench-other", main_email="ecole@autre.test")
    manager = User.objects.create_user("manager@bench.test", "bench-password", full_name="Hélène Favre")
    Membership.objects.create(school=school, user=manager, role=Role.MANAGER)
    kinds = ["acknowledgement", "notification", "reply", "quote", "payment_request"]
    statuses = ["sent"] * 96 + ["failed"] * 2 + ["queued"] * 2
    now = timezone.now()
    for owner, count in ((school, emails), (other, emails // 2)):
        rows = []
        for number in range(count):
            rows.append(
                OutgoingEmail(
                    school=owner,
                    kind=kinds[number % len(kinds)],
                    language="fr" if number % 3 else "en",
                    from_email="ecole@bench.test",
                    to_email=f"client{number}@example.fr",
                    subject=f"Votre demande DEM-2026-{number:05d}",
                    text_body="Bonjour,\n\nMerci pour votre demande.\n",
                    message_id=f"<{owner.slug}-{number}@bench.test>",
                    status=statuses[number % len(statuses)],
                    next_attempt_at=now - timedelta(minutes=count - number),
                )
            )
            if len(rows) == 5000:
                OutgoingEmail.objects.bulk_create(rows)
                rows = []
        OutgoingEmail.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return school, manager


def _measure(school, manager, requests: int) -> dict:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from msem.backoffice.capped_paginator import CappedPaginator
    from msem.backoffice.email_views import EMAILS_PER_PAGE
    from msem.mailing.selectors import outgoing_emails_found

    every = outgoing_emails_found(school=school)
    sent = outgoing_emails_found(school=school, statuses=["sent"])
    page = f"/backoffice/{school.slug}/emails/"
    clients = {"anonymous": Client(), "manager": Client()}
    clients["manager"].force_login(manager)
    clients["manager"].get(page)  # the first visit also notes the school in the session
    targets = {
        "count to the end, all": lambda: Paginator(every, EMAILS_PER_PAGE).count,
        "count capped, all": lambda: CappedPaginator(every, EMAILS_PER_PAGE).get_page(1).paginator.count,
        "count to the end, sent": lambda: Paginator(sent, EMAILS_PER_PAGE).count,
        "count capped, sent": lambda: CappedPaginator(sent, EMAILS_PER_PAGE).get_page(1).paginator.count,
        "login page": lambda: clients["anonymous"].get("/backoffice/login/").status_code,
        "E-mails page, all": lambda: clients["manager"].get(page).status_code,
        "E-mails page, sent": lambda: clients["manager"].get(f"{page}?status=sent").status_code,
    }
    timings: dict[str, list[float]] = {name: [] for name in targets}
    for round_ in range(requests + 3):
        for name, target in targets.items():
            start = time.perf_counter()
            target()
            if round_ >= 3:  # the first rounds warm the caches of the database and of Python
                timings[name].append((time.perf_counter() - start) * 1000)
    return {
        "vendor": connection.vendor,
        "emails": every.count(),
        "results": {name: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for name, v in timings.items()},
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=100_000, help="the measured school's e-mails")
    parser.add_argument("--requests", type=int, default=20, help="measured rounds")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print_result(run_one(args.emails, args.requests))
        return

    arguments = ["--emails", str(args.emails), "--requests", str(args.requests)]
    reports = reports_per_backend(
        backends=args.backends, name="emails", run=lambda environment: child_report(__file__, arguments, environment)
    )

    for report in reports:
        login = report["results"]["login page"]["p50"]
        print(f"\n{report['vendor']}: {report['emails']} e-mails listed, load average {report['load']:.1f} at the end")
        print(f"  {'measured':<26}{'p50 ms':>9}{'p95 ms':>9}{'p50 / login':>13}")
        for name, figures in report["results"].items():
            print(f"  {name:<26}{figures['p50']:>9.2f}{figures['p95']:>9.2f}{figures['p50'] / login:>12.2f}×")


if __name__ == "__main__":
    main()
