"""Scale: the form's intake and the inbox on PostgreSQL as the table grows from 100 000 to 5 000 000 dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.scale

(about 20 minutes, most of it inserting the 4 000 000 dossiers of the last step;
`--sizes 100000,1000000` stops at 1 000 000; see bench/README.md.)

One PostgreSQL database, created on the server of DATABASE_URL (or
$BENCH_POSTGRES_URL) and dropped at the end, grows step by step. At each size:

1. the table is grown with `manage.py seed_inquiries --sql` (dossiers generated
   by `INSERT … SELECT … generate_series` inside PostgreSQL, 100 000 per school:
   the measured school "bench-large" first, then other schools), then
   VACUUM ANALYZE, as a database in service has its statistics;
2. gunicorn serves the app with 2 sync workers (bench.settings: production
   settings plus the bare one-INSERT view of bench/run.py), and 2
   `manage.py db_worker` processes deliver the outbox to a local SMTP server
   (bench/smtp.py);
3. load: the bare view, then the form's POST alone (tokens signed here), back
   to back from `--concurrency` connections for `--duration` seconds each:
   requests per second, latency p50/p95, and the ratio form / bare;
4. delivery: the 2 workers send the acknowledgement and the notification of
   every dossier received while the load runs; measured: e-mails per second
   at the SMTP server, and how long after the load's end the last one arrives;
5. the inbox through gunicorn (HTTP, a secretary's session): the login page
   (the minimal page), the first page unfiltered, with a filter, with filters
   combined, a search by name and by e-mail address, and a dossier page, one
   request at a time, interleaved, p50/p95.

The measured school keeps its 100 000 dossiers: what grows is the table
around it, which is what "the cost should not grow with the table" asks.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import load
from bench.smtp import SmtpSink, free_port
from bench.system import ROOT, Children, children_of, python

GENEROUS_LIMIT = "1000000/3600"
RESULT_PREFIX = "SCALE-RESULT "


def say(text: str = "") -> None:
    print(text, flush=True)


def _percentile(values: list[float], fraction: float) -> float:
    return load.percentile(values, fraction) * 1000 if values else float("nan")


# --- In a child process (Django set up against the database) ---------------------------------


def child_grow(target_size: int, per_school: int) -> dict[str, Any]:
    """Grow the table to `target_size` dossiers; on the first call, the measured school and its staff."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from msem.accounts.models import Membership, Role, User
    from msem.demo.management.commands.seed_inquiries import bench_school
    from msem.inquiries.models import Inquiry
    from msem.inquiries.search_indexes import school_search_indexes_ensure, school_search_indexes_present
    from msem.schools.models import School

    started = time.monotonic()
    school = bench_school("bench-large", "ESF Bench Large")
    if not User.objects.filter(email="secretaire1@bench.test").exists():
        for number, name in enumerate(["Julie Perrin", "Marc Blanc", "Sophie Arnaud", "Léa Morel"], start=1):
            user = User.objects.create_user(f"secretaire{number}@bench.test", "bench-password", full_name=name)
            Membership.objects.create(school=school, user=user, role=Role.SECRETARY)
    if not Inquiry.objects.for_school(school).exists():
        call_command("seed_inquiries", large_school=per_school, sql=True, verbosity=0)
    others = School.objects.filter(slug__startswith="bench-0").count()
    missing = max(0, target_size - Inquiry.objects.count())
    if missing:
        schools = -(-missing // per_school)
        call_command(
            "seed_inquiries", schools=schools, per_school=per_school, first_school=others + 1, sql=True, verbosity=0
        )
    grown = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inquiries_inquiry")
    analyzed = time.monotonic()
    # What the scheduler does hourly in service: each large school's own search index. In one pass
    # each (not CONCURRENTLY), since nothing else writes to the table while it grows.
    school_search_indexes_ensure(concurrently=False)
    indexed = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint, pg_total_relation_size('inquiries_inquiry') FROM pg_class "
                       "WHERE relname = 'inquiries_inquiry'")  # fmt: skip
        _rows, table_bytes = cursor.fetchone()
    return {
        "dossiers": Inquiry.objects.count(),
        "school_dossiers": Inquiry.objects.for_school(school).count(),
        "grow_seconds": round(grown),
        "analyze_seconds": round(analyzed - started - grown),
        "school_index_seconds": round(indexed - analyzed),
        "school_indexes": len(school_search_indexes_present()),
        "table_bytes": table_bytes,
    }


def child_pages() -> dict[str, Any]:
    """A secretary's session, and the pages to measure."""
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.conf import settings
    from django.test import Client

    from msem.accounts.models import User
    from msem.inquiries.models import Inquiry
    from msem.inquiries.selectors import categories_live, subjects_live
    from msem.schools.models import School

    school = School.objects.get(slug="bench-large")
    secretary = User.objects.get(email="secretaire1@bench.test")
    client = Client()
    client.force_login(secretary)
    base = f"/backoffice/{school.slug}/inquiries/"
    categories = list(categories_live(school=school))
    subjects = list(subjects_live(school=school))
    sample = Inquiry.objects.for_school(school).exclude(phone="").order_by("-received_at")[500]
    references = list(
        Inquiry.objects.for_school(school).order_by("-received_at").values_list("reference", flat=True)[100:140]
    )

    def inbox(**criteria: str) -> str:
        return f"{base}?{urlencode({'f': '1', **criteria})}"

    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "pages": {
            "login page": "/backoffice/login/",
            "inbox, unfiltered": inbox(),
            "filter category": inbox(category=categories[1].code),
            "filters combined": inbox(
                subject=str(subjects[1].pk), assignee=str(secretary.pk), status="won", archived="all"
            ),
            "search name": inbox(q=f"{sample.first_name} {sample.last_name}", archived="all"),
            "search e-mail": inbox(q=sample.email, archived="all"),
            "dossier page": base + "{}/",
        },
        "references": references,
    }


# --- In the parent ------------------------------------------------------------------------------


class Scale:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.children = Children()
        self.secret = "bench-" + secrets.token_urlsafe(32)
        admin = os.environ.get("DATABASE_URL") or os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        )
        if not admin.startswith("postgres"):
            sys.exit("bench.scale: PostgreSQL only (DATABASE_URL=postgres://…)")
        self.admin_url = admin
        self.name = args.database or f"msem_scale_{os.getpid()}"
        self.url = urlunsplit(urlsplit(admin)._replace(path=f"/{self.name}"))
        self.var_dir = ROOT / "var" / "bench" / "scale"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.sink: SmtpSink | None = None
        self.results: list[dict[str, Any]] = []

    def env(self, *, smtp: bool = False) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            SECRET_KEY=self.secret,
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,testserver",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            MSEM_VAR_DIR=str(self.var_dir),
            MSEM_FORM_MIN_FILL_SECONDS="0",
            MSEM_INTAKE_LIMIT_PER_IP=GENEROUS_LIMIT,
            MSEM_INTAKE_LIMIT_PER_SCHOOL=GENEROUS_LIMIT,
            MSEM_INTAKE_LIMIT_PER_RECIPIENT=GENEROUS_LIMIT,
            DATABASE_URL=self.url,
            LOG_LEVEL="WARNING",
        )
        if smtp:
            assert self.sink is not None
            env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(self.sink.port))
        return env

    def child(self, *args: str) -> dict[str, Any]:
        done = subprocess.run(
            python("-m", "bench.scale", "--child", *args),
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                return json.loads(line.removeprefix(RESULT_PREFIX))
        sys.exit(f"bench.scale: `{' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")

    def dbtool(self, *args: str) -> dict[str, Any]:
        from bench.dbtool import RESULT_PREFIX as DBTOOL_PREFIX

        done = subprocess.run(
            python("-m", "bench.dbtool", *args), cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False
        )
        for line in done.stdout.splitlines():
            if line.startswith(DBTOOL_PREFIX):
                return json.loads(line.removeprefix(DBTOOL_PREFIX))
        sys.exit(f"bench.scale: `dbtool {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def start_services(self, target: load.Target, label: str) -> list[subprocess.Popen]:
        target.port = free_port()
        server = self.children.start(
            python(
                "-m", "gunicorn", "config.wsgi:application", "--workers", "2", "--worker-class", "sync",
                "--bind", f"127.0.0.1:{target.port}", "--timeout", "120", "--graceful-timeout", "5",
                "--log-level", "warning", "--no-control-socket",
            ),
            env=self.env(),
            log=self.var_dir / f"gunicorn-{label}.log",
        )  # fmt: skip
        workers = [
            self.children.start(
                python("manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"),
                env=self.env(smtp=True),
                log=self.var_dir / f"db_worker-{label}-{number}.log",
            )
            for number in (1, 2)
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"bench.scale: gunicorn stopped, see {self.var_dir}")
            try:
                client = load.HttpClient(target.host, target.port)
                status = client.send("GET", target.contact_path)[0]
                client.close()
            except (OSError, http.client.HTTPException):
                status = 0
            if status == 200 and len(children_of(server.pid)) == 2:
                return [server, *workers]
            time.sleep(0.2)
        sys.exit("bench.scale: gunicorn did not answer within 60 s")

    def measure_load(self, target: load.Target, pool: load.TokenPool, label: str) -> dict[str, Any]:
        args = self.args
        for kind in ("bare", "post"):  # warm-up: imports, caches, connections
            load.run_for(kind, target=target, concurrency=2, duration=1.0, tag=f"warm-{label}-{kind}", pool=pool)
        figures: dict[str, Any] = {}
        for kind in ("bare", "post"):
            if kind == "post":
                pool.tokens.clear()
                pool.fill(int(args.duration * 300))
            outcome = load.run_for(
                kind,
                target=target,
                concurrency=args.concurrency,
                duration=args.duration,
                tag=f"{label}-{kind}",
                pool=pool,
            )
            latencies = outcome.latencies.get("post" if kind == "post" else "bare", [])
            figures[kind] = {
                "rate": round(outcome.rate, 1),
                "ok": outcome.ok,
                "errors": sum(outcome.errors.values()),
                "p50_ms": round(_percentile(latencies, 0.5), 1),
                "p95_ms": round(_percentile(latencies, 0.95), 1),
            }
            if kind == "post":
                figures["submissions"] = outcome.submissions
                figures["post_ended"] = time.monotonic()
        return figures

    def measure_pages(self, port: int, info: dict[str, Any]) -> dict[str, Any]:
        pages: dict[str, str] = info["pages"]
        references: list[str] = info["references"]
        timings: dict[str, list[float]] = {name: [] for name in pages}
        statuses: dict[str, int] = {}
        for round_ in range(self.args.page_requests + 3):
            for name, pattern in pages.items():
                path = pattern.format(references[round_ % len(references)])
                headers = {"Host": "127.0.0.1", "Accept": "text/html"}
                if name != "login page":
                    headers["Cookie"] = info["cookie"]
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                started = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                connection.close()
                statuses[name] = response.status
                if response.status != 200:
                    sys.exit(f"bench.scale: {name} answered {response.status} ({path})")
                if round_ >= 3:
                    timings[name].append(elapsed)
        return {
            name: {"p50_ms": round(_percentile(values, 0.5), 1), "p95_ms": round(_percentile(values, 0.95), 1)}
            for name, values in timings.items()
        }

    def run(self) -> None:
        os.environ.update(self.env())
        import django

        django.setup()  # only to sign form tokens with the app's SECRET_KEY, in this process
        from msem.public_site.form_token import form_token_issue

        began = time.monotonic()
        say(f"bench.scale — database {self.name}, sizes {self.args.sizes}, {os.cpu_count()} CPUs")
        subprocess.run(python("manage.py", "collectstatic", "--no-input", "-v0"), cwd=ROOT, env=self.env(), check=True)
        if not self.args.database:
            self.admin(f'CREATE DATABASE "{self.name}"')
        self.sink = SmtpSink().start()
        try:
            setup = self.dbtool("setup")
            target = load.Target("127.0.0.1", 0, setup["slug"], setup["school_id"], setup["subject_id"])
            pool = load.TokenPool(lambda: form_token_issue(school_id=target.school_id))
            for size in self.args.sizes:
                label = f"{size // 1000}k"
                say(f"\n[{label}] growing the table to {size} dossiers …")
                grown = self.child("grow", str(size), str(self.args.per_school))
                say(
                    f"  {grown['dossiers']} dossiers ({grown['table_bytes'] / 2**30:.1f} GiB with indexes), "
                    f"grown in {grown['grow_seconds']} s, VACUUM ANALYZE {grown['analyze_seconds']} s, "
                    f"{grown['school_indexes']} schools' search indexes ({grown['school_index_seconds']} s)"
                )
                info = self.child("pages")
                services = self.start_services(target, label)
                try:
                    sent_before = self.sink.count()
                    figures = self.measure_load(target, pool, label)
                    delivery = self._deliveries(figures, sent_before)
                    pages = self.measure_pages(target.port, info)
                finally:
                    for child in services:
                        self.children.stop(child)
                figures.pop("submissions", None)
                figures.pop("post_ended", None)
                result = {"size": size, **grown, "load": figures, "delivery": delivery, "pages": pages}
                self.results.append(result)
                self.print_step(result)
        finally:
            self.children.stop_all()
            self.sink.stop()
            if not self.args.keep:
                self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            else:
                say(f"database kept: {self.name}")
        self.print_summary(time.monotonic() - began)
        path = ROOT / "var" / "bench" / "results-scale.json"
        path.write_text(json.dumps(self.results, indent=2))
        say(f"\nFull results: {path.relative_to(ROOT)}")

    def _deliveries(self, figures: dict[str, Any], sent_before: int) -> dict[str, Any]:
        """Wait for the e-mails of every dossier received (warm-up included), then time them."""
        assert self.sink is not None
        submissions = figures["submissions"]
        # Every accepted POST (load and warm-up) makes 2 e-mails: wait until the sink stops growing.
        deadline = time.monotonic() + self.args.drain_timeout
        last_count, still_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = self.sink.count()
            if count != last_count:
                last_count, still_since = count, time.monotonic()
            elif time.monotonic() - still_since > 3:
                break
            time.sleep(0.2)
        arrivals = self.sink.arrivals()[sent_before:]
        load_emails = {submission["email"] for submission in submissions}
        acks = [arrival for arrival in arrivals if any(rcpt in load_emails for rcpt in arrival.recipients)]
        delivered = len(arrivals)
        first = min((arrival.at for arrival in arrivals), default=0.0)
        last = max((arrival.at for arrival in arrivals), default=0.0)
        return {
            "emails": delivered,
            "acks_of_load": len(acks),
            "posts_of_load": len(submissions),
            "emails_per_second": round(delivered / max(last - first, 1e-3), 1),
            "drained_after_load_s": round(max(0.0, last - figures["post_ended"]), 1),
        }

    def print_step(self, result: dict[str, Any]) -> None:
        bare, post, delivery = result["load"]["bare"], result["load"]["post"], result["delivery"]
        say(
            f"  form POST: {post['rate']:.1f}/s (bare view {bare['rate']:.1f}/s,"
            f" ratio {post['rate'] / bare['rate']:.2f}),"
            f" p50 {post['p50_ms']} ms, p95 {post['p95_ms']} ms, errors {post['errors']}"
        )
        say(
            f"  delivery (2 workers): {delivery['emails']} e-mails at {delivery['emails_per_second']}/s, "
            f"{delivery['acks_of_load']}/{delivery['posts_of_load']} acknowledgements of the load, "
            f"drained {delivery['drained_after_load_s']} s after the load"
        )
        login = result["pages"]["login page"]["p50_ms"]
        for name, figures in result["pages"].items():
            say(
                f"  {name:<20} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms"
                f"  ({figures['p50_ms'] / login:.1f}× login)"
            )

    def print_summary(self, seconds: float) -> None:
        say(f"\nScale, PostgreSQL, gunicorn 2 workers + 2 db_workers ({seconds / 60:.0f} min in all)")
        sizes = [f"{result['dossiers'] / 1e6:.1f} M" for result in self.results]
        say(f"  {'':<34}" + "".join(f"{size:>12}" for size in sizes))

        def row(label: str, values: list[str]) -> None:
            say(f"  {label:<34}" + "".join(f"{value:>12}" for value in values))

        row("form POST /s (c=%d)" % self.args.concurrency, [f"{r['load']['post']['rate']:.1f}" for r in self.results])
        row("bare view /s", [f"{r['load']['bare']['rate']:.1f}" for r in self.results])
        row("form / bare", [f"{r['load']['post']['rate'] / r['load']['bare']['rate']:.2f}" for r in self.results])
        row(
            "form POST p50 / p95 ms",
            [f"{r['load']['post']['p50_ms']:.0f}/{r['load']['post']['p95_ms']:.0f}" for r in self.results],
        )
        row("e-mails /s (2 workers)", [f"{r['delivery']['emails_per_second']:.1f}" for r in self.results])
        row("drained after the load, s", [f"{r['delivery']['drained_after_load_s']:.1f}" for r in self.results])
        for name in self.results[0]["pages"]:
            row(f"{name} p50/p95 ms", [_pair(r["pages"][name]) for r in self.results])


def _pair(figures: dict[str, float]) -> str:
    return f"{figures['p50_ms']:.0f}/{figures['p95_ms']:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(item) for item in text.split(",")],
        default=[100_000, 1_000_000, 5_000_000],
        help="table sizes, in dossiers (100000,1000000,5000000)",
    )
    parser.add_argument("--per-school", type=int, default=100_000, help="dossiers per school (100000)")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per scenario (15)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections sending at once (4)")
    parser.add_argument("--page-requests", type=int, default=20, help="measured requests per inbox page (20)")
    parser.add_argument("--drain-timeout", type=float, default=120, help="seconds to wait for the e-mails (120)")
    parser.add_argument("--database", default="", help="grow (and keep) this existing database instead")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        command, *rest = args.child
        result = child_grow(int(rest[0]), int(rest[1])) if command == "grow" else child_pages()
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return
    if args.database:
        args.keep = True
    Scale(args).run()


if __name__ == "__main__":
    main()
