"""4807 sales push: 10 000 queued sales pushed by the real workers to the 4807 simulator, 10 % of calls faulted.

One command, from the repository's root:

    .venv/bin/python -m bench.sales_push_bench                                     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.sales_push_bench                                 # PostgreSQL

1. A fresh database: an SQLite file in var/bench/sales-push/, or, with
   DATABASE_URL, a database msem_bench_<pid>_sales created on that server and
   dropped at the end (the URL only names the server). Migrated, then seeded
   in bulk: dossiers (`seed_inquiries`), their quotes paid and recorded as
   Sales (`msem.demo.commercial_history`), and one queued SalePush per Sale,
   with the idempotency key `sale_push_queue` gives it.
2. The 4807 simulator (msem/connector4807/simulator.py) on 127.0.0.1, in this
   process, faulting 10 % of the POST /sales calls, the kind drawn at random
   among: error500, error429 (Retry-After: 1), hang (never answers: the
   worker's read timeout, 0.5 s here, ends the call), slow (1 s: longer than
   the read timeout, so the sale is recorded after the worker gave up) and
   drop_after_record (recorded, then the connection is cut). The last two make
   the worker push again a sale 4807 already has: the same key, no second sale.
3. N `manage.py db_worker` processes (4 by default) with N push_sales tasks
   queued, until every push is sent (or failed for good). For the bench the
   backoff is shortened through settings: MSEM_4807_RETRY_BASE_SECONDS=1 and
   MSEM_4807_RETRY_MAX_SECONDS=4 (production: 30 s and 1 h).
4. Reports the throughput, attempts, retries and faults, and checks: exactly
   as many sales in the simulator as queued, one per idempotency key, each the
   one its push recorded (remote id), and every Sale in Msem marked pushed.

Options: --sales, --workers, --batch-size (MSEM_OUTBOX_BATCH_SIZE of the
workers), --fault-rate, --read-timeout. Results: docs/performance.md ("4807 sales push").
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.system import ROOT, Children, cpu_seconds, databases_from_env, fresh_directory, python

FAULT_KINDS = ("error500", "error429", "hang", "slow", "drop_after_record")
TOKEN = "bench-token"


def say(text: str = "") -> None:
    print(text, flush=True)


def _settings_env(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-not-a-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MSEM_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def _seed(sales: int) -> dict[str, Any]:
    """Dossiers, paid quotes and their Sales in bulk, then one queued push per Sale."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from msem.accounts.models import Membership, Role, User
    from msem.connector4807.models import SalePush
    from msem.demo.commercial_history import commercial_history_bulk_create
    from msem.sales.models import Sale
    from msem.schools.models import School

    started = time.monotonic()
    call_command("migrate", "--no-input", verbosity=0)
    # Quotes are paid only when their answer is two days old: a few more dossiers than sales.
    call_command("seed_inquiries", large_school=int(sales * 1.05) + 50, no_events=True, verbosity=0)
    school = School.objects.get(slug="bench-large")
    secretary = User.objects.create_user("secretaire@bench.test", "bench-password", full_name="Julie Perrin")
    Membership.objects.create(school=school, user=secretary, role=Role.SECRETARY)
    commercial_history_bulk_create(
        school, staff=[secretary], answered=1.0, quoted=1.0, paid=1.0, acknowledgements=False
    )
    ids = list(Sale.objects.for_school(school).order_by("id").values_list("id", flat=True))
    if len(ids) < sales:
        sys.exit(f"bench: only {len(ids)} sales seeded, {sales} wanted")
    Sale.objects.for_school(school).filter(pk__in=ids[sales:]).delete()
    now = timezone.now()
    SalePush.objects.bulk_create(
        [
            SalePush(
                school_id=school.pk, sale_id=pk, idempotency_key=f"msem-{school.pk}-sale-{pk}", next_attempt_at=now
            )
            for pk in ids[:sales]
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"school_id": school.pk, "seconds": round(time.monotonic() - started, 1), "vendor": connection.vendor}


def _count_faults(simulator: Any) -> collections.Counter[str]:
    """Count the faults the simulator plays, by kind (wrapping its draw)."""
    counted: collections.Counter[str] = collections.Counter()
    draw = simulator.state.next_fault

    def next_fault() -> str | None:
        fault = draw()
        counted[fault or "none"] += 1
        return fault

    simulator.state.next_fault = next_fault
    return counted


def _progress() -> tuple[int, int]:
    from django.db import connection
    from django.db.models import Count

    from msem.connector4807.models import SalePush

    counts = dict(
        SalePush.objects.filter(status__in=[SalePush.Status.SENT, SalePush.Status.FAILED])
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    connection.close()  # SQLite: no read snapshot held open between polls
    return counts.get(SalePush.Status.SENT, 0), counts.get(SalePush.Status.FAILED, 0)


def _check(simulator: Any, sales: int) -> dict[str, Any]:
    from django.db.models import Count, Max, Min

    from msem.connector4807.models import SalePush, SalePushAttempt
    from msem.sales.models import Sale

    recorded = simulator.sales
    keys = [sale["key"] for sale in recorded]
    remote_ids = {sale["key"]: sale["id"] for sale in recorded}
    pushes = dict(SalePush.objects.values_list("idempotency_key", "remote_id"))
    outcomes = dict(SalePushAttempt.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    window = SalePushAttempt.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    per_push = SalePush.objects.aggregate(most=Max("attempts"))
    problems = []
    if len(recorded) != sales:
        problems.append(f"{len(recorded)} sales in the simulator, {sales} expected")
    if len(set(keys)) != len(keys):
        problems.append("a key recorded twice in the simulator")
    if set(keys) != set(pushes):
        missing, unknown = len(set(pushes) - set(keys)), len(set(keys) - set(pushes))
        problems.append(f"keys differ: {missing} pushes missing in 4807, {unknown} unknown to Msem")
    mismatched = sum(1 for key, remote in pushes.items() if remote_ids.get(key) != remote)
    if mismatched:
        problems.append(f"{mismatched} pushes without the remote id 4807 gave their sale")
    not_pushed = Sale.objects.exclude(push__status=SalePush.Status.SENT).count()
    if not_pushed:
        problems.append(f"{not_pushed} Sales not marked pushed")
    if Sale.objects.count() != sales:
        problems.append(f"{Sale.objects.count()} Sales in Msem, {sales} expected")
    return {
        "simulator_sales": len(recorded),
        "distinct_keys": len(set(keys)),
        "msem_sales": Sale.objects.count(),
        "msem_pushed": Sale.objects.filter(push__status=SalePush.Status.SENT).count(),
        "attempts": sum(outcomes.values()),
        "outcomes": {outcome or "interrupted": n for outcome, n in outcomes.items()},
        "most_attempts_for_one_sale": per_push["most"],
        "first_attempt": window["first"].isoformat() if window["first"] else None,
        "last_attempt": window["last"].isoformat() if window["last"] else None,
        "attempt_window_seconds": (window["last"] - window["first"]).total_seconds() if window["first"] else 0.0,
        "problems": problems,
    }


def _simulator() -> Any:
    from msem.connector4807.simulator import Simulator, demo_establishment

    simulator = Simulator(establishments={TOKEN: demo_establishment()})
    # Cut and timed-out connections are the point here: no traceback for each.
    simulator.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    return simulator.start()


def run(args: argparse.Namespace) -> dict[str, Any]:
    databases = databases_from_env(ROOT / "var" / "bench" / "sales-push")
    var_dir = fresh_directory(ROOT / "var" / "bench" / "sales-push")
    if databases.kind == "sqlite":
        databases.directory = var_dir  # type: ignore[union-attr]
    children = Children()
    url = databases.create("sales")
    env = _settings_env(url, var_dir)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from msem.connector4807.pushing import push_sales

    results: dict[str, Any] = {
        "database": databases.describe(),
        "sales": args.sales,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "fault_rate": args.fault_rate,
        "read_timeout": args.read_timeout,
        "load_average_before": os.getloadavg(),
    }
    say(f"4807 sales push bench — {results['database']}, {os.cpu_count()} CPUs, var dir {var_dir}")
    simulator = _simulator()
    try:
        seeded = _seed(args.sales)
        say(f"  seeded {args.sales} sales, each with its queued push, in {seeded['seconds']} s")
        faults = _count_faults(simulator)
        with simulator.state.lock:
            simulator.state.fault_rate = args.fault_rate
            simulator.state.fault_choices = FAULT_KINDS
        for _ in range(args.workers):
            push_sales.enqueue()  # one run per worker to start with; runs hand over to fresh ones
        connection.close()
        worker_env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("MSEM_4807")},
            **env,
            "MSEM_4807_URL": simulator.url,
            "MSEM_4807_TOKEN": TOKEN,
            "MSEM_4807_CONNECT_TIMEOUT": "1",
            "MSEM_4807_READ_TIMEOUT": str(args.read_timeout),
            # Shortened backoff, for the bench only (production: 30 s, capped at 1 h).
            "MSEM_4807_RETRY_BASE_SECONDS": "1",
            "MSEM_4807_RETRY_MAX_SECONDS": "4",
            "MSEM_OUTBOX_BATCH_SIZE": str(args.batch_size),
        }
        started = time.monotonic()
        workers = [
            children.start(
                python("manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"),
                env=worker_env,
                log=var_dir / f"db_worker-{number}.log",
            )
            for number in range(args.workers)
        ]
        sent = failed = 0
        last_report = started
        while time.monotonic() - started < args.timeout:
            sent, failed = _progress()
            if sent + failed >= args.sales:
                break
            if time.monotonic() - last_report >= 10:
                last_report = time.monotonic()
                say(f"  {last_report - started:5.0f} s: {sent} sent, {failed} failed")
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        worker_cpu = cpu_seconds([worker.pid for worker in workers])
        for worker in workers:
            children.stop(worker)
        results.update(
            seconds_from_start=round(elapsed, 2),
            sent=sent,
            failed=failed,
            complete=sent + failed >= args.sales,
            worker_cpu_seconds=round(worker_cpu, 2),
            simulator_calls=simulator.state.calls,
            faults=dict(faults),
            seed_seconds=seeded["seconds"],
            load_average_after=os.getloadavg(),
        )
        results.update(_check(simulator, args.sales))
        connection.close()
    finally:
        children.stop_all()
        simulator.stop()
        databases.drop_all()
    return results


def report(results: dict[str, Any]) -> None:
    window = results["attempt_window_seconds"]
    outcomes = results["outcomes"]
    faulted = sum(n for kind, n in results["faults"].items() if kind != "none")
    say("\n" + "=" * 100)
    say(
        f"{results['database']}: {results['sales']} sales, {results['workers']} db_worker processes,"
        f" batches of {results['batch_size']}, {results['fault_rate']:.0%} of calls faulted,"
        f" read timeout {results['read_timeout']} s; load average {results['load_average_before'][0]:.1f} before,"
        f" {results['load_average_after'][0]:.1f} after"
    )
    say(
        f"  throughput: {results['sent'] / window if window else 0:.1f} sales/s from the first attempt to the last"
        f" ({window:.1f} s); {results['sent'] / results['seconds_from_start']:.1f} sales/s from the workers' start"
        f" ({results['seconds_from_start']} s)"
    )
    say(
        f"  attempts: {results['attempts']} ({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))});"
        f" at most {results['most_attempts_for_one_sale']} for one sale; simulator calls {results['simulator_calls']},"
        f" {faulted} faulted ({', '.join(f'{k} {v}' for k, v in sorted(results['faults'].items()) if k != 'none')})"
    )
    say(
        f"  worker CPU {1000 * results['worker_cpu_seconds'] / max(1, results['sent']):.2f} ms per sale"
        f" ({results['worker_cpu_seconds']} s in all)"
    )
    say(
        f"  in the simulator: {results['simulator_sales']} sales, {results['distinct_keys']} distinct keys;"
        f" in Msem: {results['msem_pushed']}/{results['msem_sales']} Sales marked pushed"
    )
    say(
        "  CHECK: exactly one sale in 4807 per Sale, every Sale pushed: "
        + ("OK" if not results["problems"] else f"FAILED {results['problems']}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sales_push_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4, help="manage.py db_worker processes (4)")
    parser.add_argument("--batch-size", type=int, default=25, help="MSEM_OUTBOX_BATCH_SIZE of the workers (25)")
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--read-timeout", type=float, default=0.5, help="MSEM_4807_READ_TIMEOUT, seconds (0.5)")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    args = parser.parse_args()
    results = run(args)
    report(results)
    kind = "postgresql" if results["database"].startswith("PostgreSQL") else "sqlite"
    path = ROOT / "var" / "bench" / f"sales-push-{kind}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    say(f"\nFull results: {path.relative_to(ROOT)}")
    if results["problems"] or not results["complete"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
