"""The bench's hands inside the database, run as a subprocess with the same settings as the app.

    python -m bench.dbtool setup                       migrate, the bare view's table, the school
    python -m bench.dbtool seed --count N --tag T      N dossiers received (2 e-mails each), in process
    python -m bench.dbtool deliver --budget S          one worker's delivery run (outbox_deliver)
    python -m bench.dbtool requeue                     every e-mail back in the queue, to be sent again
    python -m bench.dbtool account --expected FILE     every submission: one dossier, its two e-mails
    python -m bench.dbtool queries                     SQL statements per submission and per e-mail

Each command prints one line "BENCH-JSON {…}" that the orchestrator reads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from bench.system import cpu_seconds as cpu_seconds_of

RESULT_PREFIX = "BENCH-JSON "
SCHOOL_SLUG = "bench"


def emit(value: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_PREFIX + json.dumps(value) + "\n")
    sys.stdout.flush()


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def cmd_setup(_args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.urls import BARE_TABLE
    from msem.commercial_settings.services import school_create
    from msem.inquiries.selectors import subjects_live

    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    key = "INTEGER PRIMARY KEY AUTOINCREMENT" if connection.vendor == "sqlite" else "BIGSERIAL PRIMARY KEY"
    moment = "TEXT" if connection.vendor == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} (id {key}, created_at {moment} NOT NULL, note VARCHAR(100) NOT NULL)"
        )
    school = school_create(name="École de ski du banc d'essai", slug=SCHOOL_SLUG, main_email="ecole@bench.test")
    subject = subjects_live(school=school).get()
    return {
        "school_id": school.pk,
        "subject_id": subject.pk,
        "slug": school.slug,
        "vendor": connection.vendor,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _intake(school: Any, email: str, number: int) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from msem.inquiries.intake import IntakeData
    from msem.inquiries.selectors import subjects_live

    arrival = timezone.localdate() + timedelta(days=30)
    return IntakeData(
        language="fr" if number % 2 else "en",
        subject=subjects_live(school=school).first(),
        category=None,
        first_name="Claire",
        last_name=f"Martin {number}",
        email=email,
        phone="+33 6 12 34 56 78",
        message="Bonjour, des cours privés pour deux enfants (6 et 8 ans) le matin, la semaine du 12 ?",
        arrival_date=arrival,
        departure_date=arrival + timedelta(days=7),
        participants=2,
    )


def cmd_seed(args: argparse.Namespace) -> dict[str, Any]:
    """Dossiers received through the real service, each queueing its notification and acknowledgement."""
    from msem.inquiries.reception import inquiry_receive
    from msem.mailing.models import OutgoingEmail
    from msem.schools.models import School

    school = School.objects.get(slug=SCHOOL_SLUG)
    started = time.perf_counter()
    for number in range(args.count):
        email = f"seed-{args.tag}-{number}@clients.example.org"
        inquiry_receive(school=school, data=_intake(school, email, number))
    return {
        "inquiries": args.count,
        "seconds": round(time.perf_counter() - started, 3),
        "queued": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count(),
    }


def _backend_pid() -> int | None:
    """The pid of this process's PostgreSQL backend (same machine), None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def cmd_deliver(args: argparse.Namespace) -> dict[str, Any]:
    """One delivery run of the real worker code, through SMTP (EMAIL_HOST/EMAIL_PORT)."""
    from django.conf import settings

    from msem.mailing.delivery import outbox_deliver
    from msem.mailing.models import OutgoingEmail

    assert settings.EMAIL_HOST, "EMAIL_HOST must point to the bench's SMTP server"
    queued = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count()
    backend = _backend_pid()
    backend_started = cpu_seconds_of([backend]) if backend else 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    report = outbox_deliver(time_budget=args.budget)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    backend_seconds = cpu_seconds_of([backend]) - backend_started if backend else 0.0
    return {
        "queued_before": queued,
        "sent": report.sent,
        "retried": report.retried,
        "failed": report.failed,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        # The PostgreSQL backend serving this worker (its connection lives through the run).
        "database_cpu_seconds": round(backend_seconds, 3),
    }


def cmd_requeue(_args: argparse.Namespace) -> dict[str, Any]:
    """Put every e-mail back in the queue, as new, and wake the worker: the same e-mails sent again."""
    from django.db import transaction
    from django.utils import timezone

    from msem.mailing.delivery import outbox_wake_up
    from msem.mailing.models import OutgoingEmail

    with transaction.atomic():
        count = OutgoingEmail.objects.update(
            status=OutgoingEmail.Status.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_expires_at=None,
            leased_by="",
            sent_at=None,
        )
        outbox_wake_up()
    return {"queued": count}


def _location_reference(location: str) -> str | None:
    from django.core import signing

    from msem.public_site.views import THANKS_SALT

    parts = [part for part in location.split("/") if part]
    if len(parts) < 2 or parts[-2] != "thanks":
        return None
    try:
        return signing.loads(parts[-1], salt=THANKS_SALT)
    except signing.BadSignature:
        return None


def cmd_account(args: argparse.Namespace) -> dict[str, Any]:
    """Every successful submission is exactly one dossier and its two outbox rows; nothing else exists."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from bench.urls import BARE_TABLE
    from msem.inquiries.models import Inquiry, InquiryEvent, IntakeKey
    from msem.mailing.models import OutgoingEmail

    expected = json.loads(Path(args.expected).read_text())
    submissions: list[dict[str, str]] = expected["submissions"]
    dossiers: dict[str, list[str]] = {}
    for email, reference in Inquiry.objects.values_list("email", "reference"):
        dossiers.setdefault(email.lower(), []).append(reference)
    acknowledgements: Counter[str] = Counter()
    notifications: Counter[str] = Counter()
    for kind, to_email, reply_to in OutgoingEmail.objects.values_list("kind", "to_email", "reply_to"):
        if kind == OutgoingEmail.Kind.ACKNOWLEDGEMENT:
            acknowledgements[to_email.lower()] += 1
        elif kind == OutgoingEmail.Kind.NOTIFICATION:
            notifications[parseaddr(reply_to)[1].lower()] += 1

    problems: Counter[str] = Counter()
    examples: list[str] = []

    def problem(kind: str, detail: str) -> None:
        problems[kind] += 1
        if len(examples) < 10:
            examples.append(f"{kind}: {detail}")

    for submission in submissions:
        email = submission["email"].lower()
        found = dossiers.get(email, [])
        if len(found) != 1:
            problem("dossiers != 1", f"{email} has {len(found)}")
        elif _location_reference(submission["location"]) != found[0]:
            problem("thanks page shows another reference", f"{email}: {submission['location']} vs {found[0]}")
        if acknowledgements[email] != 1:
            problem("acknowledgements != 1", f"{email} has {acknowledgements[email]}")
        if notifications[email] != 1:
            problem("notifications != 1", f"{email} has {notifications[email]}")
    submitted = {submission["email"].lower() for submission in submissions}
    for email in set(dossiers) - submitted:
        problem("dossier without a successful submission", email)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {BARE_TABLE}")  # noqa: S608 (constant table name)
        bare_rows = cursor.fetchone()[0]
    if "bare_ok" in expected and bare_rows != expected["bare_ok"]:
        problem("bare rows != bare successes", f"{bare_rows} rows for {expected['bare_ok']} answers 200")
    by_status = dict(Counter(OutgoingEmail.objects.values_list("status", flat=True)))
    if args.expect_sent and by_status.get(OutgoingEmail.Status.SENT, 0) != 2 * len(submissions):
        problem("e-mails not sent", json.dumps(by_status))
    return {
        "submissions": len(submissions),
        "dossiers": Inquiry.objects.count(),
        "outbox_rows": OutgoingEmail.objects.count(),
        "outbox_by_status": by_status,
        "intake_keys": IntakeKey.objects.count(),
        "events": InquiryEvent.objects.count(),
        "task_rows": DBTaskResult.objects.count(),
        "bare_rows": bare_rows,
        "problems": dict(problems),
        "examples": examples,
    }


def cmd_queries(_args: argparse.Namespace) -> dict[str, Any]:
    """SQL statements per dossier received and per e-mail delivered, and how long the dossier's transaction lasts.

    The dossier's transaction (`reception._receive`, atomic) holds SQLite's
    write lock, and on PostgreSQL the school's document counter row, from its
    start to its commit: at most 1000 / transaction_ms dossiers per second
    per school, however many workers serve the form.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from msem.inquiries import reception
    from msem.mailing.delivery import outbox_deliver
    from msem.schools.models import School

    school = School.objects.get(slug=SCHOOL_SLUG)
    reception.inquiry_receive(school=school, data=_intake(school, "queries-warm@clients.example.org", 0))
    count = 10
    with CaptureQueriesContext(connection) as receiving:
        for number in range(count):
            reception.inquiry_receive(school=school, data=_intake(school, f"q-{number}@clients.example.org", number))

    # Timed apart from the query capture, which slows every statement down.
    transaction_seconds: list[float] = []
    original = reception._receive

    def timed(**kwargs: Any) -> Any:
        # From the dossier's INSERT to the commit: the time its transaction holds the
        # write lock (SQLite) or the counter's row (PostgreSQL); composing comes before.
        marks: dict[str, float] = {}

        def mark(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if "start" not in marks and sql.startswith('INSERT INTO "inquiries_inquiry"'):
                marks["start"] = time.perf_counter()
                transaction.on_commit(lambda: marks.setdefault("end", time.perf_counter()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(mark):
            result = original(**kwargs)
        transaction_seconds.append(marks["end"] - marks["start"])
        return result

    reception._receive = timed  # type: ignore[assignment]  # in this bench process only
    try:
        started = time.perf_counter()
        for number in range(count):
            reception.inquiry_receive(school=school, data=_intake(school, f"t-{number}@clients.example.org", number))
        receive_seconds = (time.perf_counter() - started) / count
    finally:
        reception._receive = original  # type: ignore[assignment]
    with CaptureQueriesContext(connection) as delivering:
        report = outbox_deliver(time_budget=30)
    return {
        "per_dossier": round(len(receiving.captured_queries) / count, 1),
        "per_email": round(len(delivering.captured_queries) / max(1, report.sent), 1),
        "sent": report.sent,
        "receive_ms": round(1000 * receive_seconds, 2),
        "transaction_ms": round(1000 * sorted(transaction_seconds)[count // 2], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dbtool")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    seed = commands.add_parser("seed")
    seed.add_argument("--count", type=int, required=True)
    seed.add_argument("--tag", default="a")
    deliver = commands.add_parser("deliver")
    deliver.add_argument("--budget", type=float, default=60)
    account = commands.add_parser("account")
    account.add_argument("--expected", required=True)
    account.add_argument("--expect-sent", action="store_true")
    commands.add_parser("queries")
    commands.add_parser("requeue")
    args = parser.parse_args()
    _setup_django()
    handler = {
        "setup": cmd_setup,
        "seed": cmd_seed,
        "deliver": cmd_deliver,
        "account": cmd_account,
        "queries": cmd_queries,
        "requeue": cmd_requeue,
    }[args.command]
    emit(handler(args))


if __name__ == "__main__":
    main()
