"""Where a submission's time goes: the form's GET and POST and the bare view, in process.

    .venv/bin/python -m bench.form_profile [--count 300] [--profile] [--floor]

A fresh SQLite database in var/bench/profile/ (or DATABASE_URL's server, in a
throwaway database), the production settings, Django's test client through the
whole middleware stack. Prints the CPU time and SQL statements per request of
each kind, and with --profile the functions where the POST spends its time.

With --floor, what no submission can do without, each part alone: the
contact form's validation (Django's form, on the bench's body), and the rows a
dossier needs written through the ORM in one transaction (the dossier, its
single-use key, its two e-mails; no event, no composition, no task). Beside
the bare view, it tells how far any submission built on Django's form and ORM
stands from 60 % of the bare view's throughput.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.system import databases_from_env

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-profile-only",  # noqa: S106 (a throwaway database)
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        MSEM_FORM_MIN_FILL_SECONDS="0",
        MSEM_INTAKE_LIMIT_PER_IP="1000000/3600",
        MSEM_INTAKE_LIMIT_PER_SCHOOL="1000000/3600",
        MSEM_INTAKE_LIMIT_PER_RECIPIENT="1000000/3600",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )


def _measure(name: str, request: Callable[[], None], count: int, statements: list[str]) -> None:
    for _ in range(20):
        request()
    statements.clear()
    request()
    queries = len(statements)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        request()
    wall = (time.perf_counter() - started) / count * 1000
    cpu_ms = (time.process_time() - cpu) / count * 1000
    print(f"{name:10} {cpu_ms:6.2f} ms CPU  {wall:6.2f} ms  {queries:3d} SQL statements")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300, help="requests of each kind")
    parser.add_argument("--profile", action="store_true", help="print the POST's costliest functions")
    parser.add_argument("--floor", action="store_true", help="time the form's validation and the rows alone")
    args = parser.parse_args()

    directory = ROOT / "var" / "bench" / "profile"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    # Never DATABASE_URL's own database: a fresh one on its server, dropped at the end.
    databases = databases_from_env(directory)
    try:
        _run(args, directory, databases.create("profile"))
    finally:
        databases.drop_all()


def _run(args: argparse.Namespace, directory: Path, database_url: str) -> None:
    _configure(database_url)
    os.environ["MSEM_VAR_DIR"] = str(directory)
    sys.argv = sys.argv[:1]

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench import dbtool, load
    from msem.public_site.form_token import form_token_issue

    setup_test_environment()
    call_command("collectstatic", "--no-input", verbosity=0)
    school = dbtool.cmd_setup(argparse.Namespace())
    client = Client()
    path = f"/fr/{school['slug']}/contact/"

    def post() -> None:
        token = form_token_issue(school_id=school["school_id"])
        body = load.form_body(token, school["subject_id"], load.unique_email("profile"))
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 302, response.status_code

    def get() -> None:
        assert client.get(path).status_code == 200

    def bare() -> None:
        assert client.post("/bench/bare/", {"note": "x"}).status_code == 200

    statements: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(record)
    for name, request in (("bare view", bare), ("form GET", get), ("form POST", post)):
        _measure(name, request, args.count, statements)
    if args.floor:
        _measure_floor(school, args.count, statements)
    if args.profile:
        statements.clear()
        post()
        for sql in statements:
            print("   ", sql[:160])
        profiler = cProfile.Profile()
        for _ in range(args.count):
            profiler.runcall(post)
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_callees(r"_receive|acknowledgement_queue|notification_queue|contact_view|school_mail_compose")


def _measure_floor(school: dict, count: int, statements: list[str]) -> None:
    import secrets
    from urllib.parse import parse_qs

    from django.db import transaction
    from django.http import QueryDict
    from django.utils import timezone

    from bench import load
    from msem.inquiries.models import Inquiry, IntakeKey
    from msem.mailing.models import OutgoingEmail
    from msem.public_site.views import ContactForm
    from msem.schools.models import School

    the_school = School.objects.get(pk=school["school_id"])
    body = load.form_body("token", school["subject_id"], "floor@example.org")
    data = QueryDict(mutable=True)
    for key, values in parse_qs(body, keep_blank_values=True).items():
        data.setlist(key, values)

    def validate() -> None:
        form = ContactForm(data, school=the_school, language="fr")
        assert form.is_valid(), form.errors

    def write_rows() -> None:
        number = secrets.token_hex(6)
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                school=the_school,
                reference=f"FLOOR-{number}",
                language="fr",
                subject_id=school["subject_id"],
                first_name="Claire",
                last_name="Martin",
                email="floor@example.org",
                message=load.MESSAGE,
                received_at=timezone.now(),
            )
            IntakeKey.objects.create(school=the_school, key=f"floor:{number}", inquiry=inquiry)
            for kind, to_email in (("notification", "office@example.org"), ("acknowledgement", "floor@example.org")):
                OutgoingEmail.objects.create(
                    school=the_school,
                    kind=kind,
                    language="fr",
                    from_email="office@example.org",
                    to_email=to_email,
                    subject="Votre demande",
                    text_body=load.MESSAGE,
                    message_id=f"<{kind}-{number}@floor>",
                    next_attempt_at=timezone.now(),
                )

    print("floor: each part alone")
    _measure("validation", validate, count, statements)
    _measure("rows (ORM)", write_rows, count, statements)


if __name__ == "__main__":
    main()
