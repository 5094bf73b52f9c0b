"""Dashboard: the page's server time on a school of 100 000 dossiers, beside the login page.

One command, from the repository's root (a few minutes: most of it is seeding):

    .venv/bin/python bench/dashboard_bench.py

For each database (SQLite in a temporary directory, then a fresh PostgreSQL
database created on $BENCH_POSTGRES_URL — default
postgres://postgres@127.0.0.1:5432/postgres — and dropped at the end), it:

1. migrates, and seeds one school with `manage.py seed_inquiries --large-school N --no-events`
   (N = 100 000 dossiers over three years), then its commercial history in bulk
   (`msem.demo.commercial_history`: acknowledgements, a reply for ~80 % of the
   dossiers, a quote for ~20 %, half of those paid and recorded as a Sale);
2. runs ANALYZE, as a database in service would have statistics;
3. requests, interleaved, in-process through the whole Django stack (middleware,
   session, login, template): the login page; the dashboard for this season (the
   default page) and for the whole of last season (from 1 September to 30 April:
   the season at its fullest), each with the cache emptied before the request;
   and the dashboard as the cache serves it. It prints p50/p95 of each, their
   ratio to the login page (the machine is shared and noisy: ratios hold better
   than times), the median CPU time of the process per request (all of the work
   on SQLite, less the server's on PostgreSQL) and the number of queries of each page.

Options: --dossiers 20000 --requests 20 --backends sqlite for a quick run.
Results and the command that produced them are in docs/performance.md ("Dashboard").
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

# --- In the child process: one database, seeded and measured ---------------------------------


def run_one(dossiers: int, requests: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    began = time.monotonic()
    school, manager, history = _seed(dossiers)
    report = _measure(school, manager, requests)
    report.update(history)
    report["seed_seconds"] = round(time.monotonic() - began - report.pop("measure_seconds"))
    return report


def _seed(dossiers: int) -> tuple:
    from django.core.management import call_command
    from django.db import connection

    from msem.accounts.models import Membership, Role, User
    from msem.demo.commercial_history import commercial_history_bulk_create
    from msem.quotes.models import Quote
    from msem.sales.models import Sale
    from msem.schools.models import School

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("seed_inquiries", large_school=dossiers, no_events=True, verbosity=0)
    school = School.objects.get(slug="bench-large")
    staff = []
    for number, name in enumerate(["Julie Perrin", "Marc Blanc", "Sophie Arnaud", "Léa Morel"], start=1):
        user = User.objects.create_user(f"secretaire{number}@bench.test", "bench-password", full_name=name)
        Membership.objects.create(school=school, user=user, role=Role.SECRETARY)
        staff.append(user)
    manager = User.objects.create_user("manager@bench.test", "bench-password", full_name="Hélène Favre")
    Membership.objects.create(school=school, user=manager, role=Role.MANAGER)
    history = commercial_history_bulk_create(school, staff=staff)
    # A database in service has its statistics (and PostgreSQL its visibility map).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return (
        school,
        manager,
        {
            "answered": history.answered,
            "quotes": Quote.objects.for_school(school).count(),
            "sales": Sale.objects.for_school(school).count(),
        },
    )


def _measure(school, manager, requests: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from msem.dashboard.periods import period_this_season
    from msem.inquiries.models import Inquiry

    began = time.monotonic()
    today = timezone.localdate()
    this_season = period_this_season(today)
    last_season = period_this_season(this_season.first_day.replace(year=this_season.first_day.year - 1))
    base = f"/backoffice/{school.slug}/dashboard/"
    whole_season = f"{base}?period=custom&start={last_season.first_day}&end={last_season.last_day}"
    targets = {
        "login page": ("anonymous", "/backoffice/login/", False),
        "dashboard, this season": ("manager", base, True),
        # Right after the one above, which filled the cache.
        "dashboard, from the cache": ("manager", base, False),
        "dashboard, last season": ("manager", whole_season, True),
    }
    clients = {"anonymous": Client(), "manager": Client()}
    clients["manager"].force_login(manager)
    queries: dict[str, int] = {}
    clients["manager"].get(base)  # the first visit also notes the school in the session
    for name, (who, url, uncached) in targets.items():
        if uncached:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert clients[who].get(url).status_code == 200, name
        queries[name] = len(captured)
    timings: dict[str, list[float]] = {name: [] for name in targets}
    # This process's CPU time: what the page costs whatever the other jobs of the machine do
    # (all of it on SQLite; on PostgreSQL, the server's share is not in it).
    cpu: dict[str, list[float]] = {name: [] for name in targets}
    for round_ in range(requests + 3):
        for name, (who, url, uncached) in targets.items():
            if uncached:
                cache.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            response = clients[who].get(url)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            assert response.status_code == 200, (name, response.status_code)
            if round_ >= 3:  # the first rounds warm the caches of the database and of Python
                timings[name].append(elapsed * 1000)
                cpu[name].append(elapsed_cpu * 1000)
    dossiers = Inquiry.objects.for_school(school)
    return {
        "vendor": connection.vendor,
        "dossiers": dossiers.count(),
        "season_dossiers": dossiers.filter(received_at__gte=this_season.start).count(),
        "last_season_dossiers": dossiers.filter(
            received_at__gte=last_season.start, received_at__lt=last_season.end
        ).count(),
        "queries": queries,
        "results": {
            name: {"p50": percentile(values, 50), "p95": percentile(values, 95), "cpu": percentile(cpu[name], 50)}
            for name, values in timings.items()
        },
        "load": os.getloadavg()[0],
        "measure_seconds": time.monotonic() - began,
    }


# --- In the parent: a database per run, and the report -----------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print_result(run_one(args.dossiers, args.requests))
        return

    arguments = ["--dossiers", str(args.dossiers), "--requests", str(args.requests)]
    reports = reports_per_backend(
        backends=args.backends, name="dashboard", run=lambda environment: child_report(__file__, arguments, environment)
    )

    for report in reports:
        login = report["results"]["login page"]["p50"]
        print(
            f"\n{report['vendor']}: {report['dossiers']} dossiers, {report['season_dossiers']} this season, "
            f"{report['last_season_dossiers']} last season ({report['answered']} answered, "
            f"{report['quotes']} quotes, {report['sales']} sales), seeded in {report['seed_seconds']} s, "
            f"load average {report['load']:.1f} at the end"
        )
        print(f"  {'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'p50 / login':>13}{'CPU p50':>9}{'queries':>9}")
        for name, figures in report["results"].items():
            print(
                f"  {name:<28}{figures['p50']:>9.1f}{figures['p95']:>9.1f}"
                f"{figures['p50'] / login:>12.1f}×{figures['cpu']:>9.1f}{report['queries'][name]:>9}"
            )


if __name__ == "__main__":
    main()
