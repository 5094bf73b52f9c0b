"""The bench of the public contact form and of the outbox worker: `make bench` (see bench/README.md).

Three phases, each on a fresh database (SQLite in var/bench/, or PostgreSQL
databases created on the server of DATABASE_URL and dropped at the end):

1. load: gunicorn (2 sync workers, DEBUG off) serves the app and, in the same
   process, a bare view doing one INSERT. Rounds of "bare", "POST alone" and
   "GET + POST" at each concurrency, interleaved, then every submission is
   checked in the database (one dossier, its notification and acknowledgement);
2. delivery: N e-mails queued by the real reception service, sent to a local
   SMTP server by one worker's delivery run (outbox_deliver), three times (the
   same e-mails queued again), then once more by `manage.py db_worker`;
3. delay: gunicorn plus one `manage.py db_worker`; submissions at a steady rate,
   each timed from the POST leaving to its acknowledgement reaching the SMTP server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import load
from bench.dbtool import RESULT_PREFIX
from bench.smtp import SmtpSink, free_port
from bench.system import (
    ROOT,
    Children,
    CpuMeter,
    children_of,
    databases_from_env,
    fresh_directory,
    python,
)

GOAL_RATIO = 0.60
GOAL_EMAILS_PER_SECOND = 100
GOAL_DELAY_P95 = 2.0
GENEROUS_LIMIT = "1000000/3600"
KINDS = ("bare", "post", "get_post")
PHASES = ("load", "delivery", "delay")
LABELS = {"bare": "bare view (1 INSERT)", "post": "form, POST alone", "get_post": "form, GET + POST"}


def say(text: str = "") -> None:
    print(text, flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.children = Children()
        self.secret = "bench-" + secrets.token_urlsafe(32)
        self.databases = databases_from_env(ROOT / "var" / "bench" / "sqlite")
        self.var_dir = fresh_directory(ROOT / "var" / "bench" / self.databases.kind)
        if self.databases.kind == "sqlite":
            self.databases.directory = self.var_dir
        self.results: dict[str, Any] = {}
        self.sink: SmtpSink | None = None

    # --- plumbing --------------------------------------------------------------------

    def env(self, database_url: str, *, smtp: bool = False) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            SECRET_KEY=self.secret,
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            MSEM_VAR_DIR=str(self.var_dir),
            MSEM_FORM_MIN_FILL_SECONDS="0",
            MSEM_INTAKE_LIMIT_PER_IP=GENEROUS_LIMIT,
            MSEM_INTAKE_LIMIT_PER_SCHOOL=GENEROUS_LIMIT,
            MSEM_INTAKE_LIMIT_PER_RECIPIENT=GENEROUS_LIMIT,
            DATABASE_URL=database_url,
            LOG_LEVEL="WARNING",
        )
        if smtp:
            assert self.sink is not None
            env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(self.sink.port))
        return env

    def dbtool(self, database_url: str, *args: str, smtp: bool = False) -> dict[str, Any]:
        done = subprocess.run(
            python("-m", "bench.dbtool", *args),
            cwd=ROOT,
            env=self.env(database_url, smtp=smtp),
            capture_output=True,
            text=True,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                return json.loads(line.removeprefix(RESULT_PREFIX))
        sys.exit(f"bench: `dbtool {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")

    def fresh_database(self, name: str) -> tuple[str, load.Target]:
        url = self.databases.create(name)
        info = self.dbtool(url, "setup")
        say(f"  database {name}: migrated, school created ({info['seconds']} s)")
        return url, load.Target("127.0.0.1", 0, info["slug"], info["school_id"], info["subject_id"])

    def start_gunicorn(self, url: str, target: load.Target, name: str) -> tuple[subprocess.Popen, list[int]]:
        target.port = free_port()
        server = self.children.start(
            python(
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(self.args.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{target.port}",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
                "--no-control-socket",
            ),
            env=self.env(url),
            log=self.var_dir / f"gunicorn-{name}.log",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"bench: gunicorn stopped, see {self.var_dir / f'gunicorn-{name}.log'}")
            try:
                client = load.HttpClient(target.host, target.port)
                status = client.send("GET", target.contact_path)[0]
                client.close()
            except (OSError, http.client.HTTPException):
                status = 0
            workers = children_of(server.pid)
            if status == 200 and len(workers) == self.args.workers:
                return server, workers
            time.sleep(0.2)
        sys.exit("bench: gunicorn did not answer within 60 s")

    def start_worker(self, url: str, name: str) -> subprocess.Popen:
        return self.children.start(
            python("manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"),
            env=self.env(url, smtp=True),
            log=self.var_dir / f"db_worker-{name}.log",
        )

    def token_pool(self, target: load.Target) -> load.TokenPool:
        from msem.public_site.form_token import form_token_issue

        return load.TokenPool(lambda: form_token_issue(school_id=target.school_id))

    # --- phase 1: throughput of the form against the bare view -------------------------

    def phase_load(self) -> None:
        args = self.args
        say("\n[1/3] load: the form against a bare INSERT view, same gunicorn")
        url, target = self.fresh_database("load")
        server, workers = self.start_gunicorn(url, target, "load")
        meter_pids = self.databases.server_pids
        say(f"  gunicorn pid {server.pid}, workers {workers}, http://127.0.0.1:{target.port}")
        pool = self.token_pool(target)
        submissions: list[dict[str, str]] = []
        bare_ok = 0

        # Warm-up: imports, template caches, database connections; counted for accounting, not timed.
        pool.fill(200)
        for kind in KINDS:
            outcome = load.run_for(kind, target=target, concurrency=2, duration=1.0, tag=f"warm-{kind}", pool=pool)
            submissions += outcome.submissions
            bare_ok += outcome.ok if kind == "bare" else 0

        rounds: list[dict[str, Any]] = []
        started = time.monotonic()
        for number in range(args.rounds):
            for concurrency in args.concurrency:
                order = KINDS[number % 3 :] + KINDS[: number % 3]
                for kind in order:
                    if kind == "post":
                        pool.tokens.clear()
                        pool.fill(int(args.duration * 400))
                    meter = CpuMeter(workers, meter_pids).start()
                    outcome = load.run_for(
                        kind,
                        target=target,
                        concurrency=concurrency,
                        duration=args.duration,
                        tag=f"{kind}-c{concurrency}-r{number}",
                        pool=pool,
                    )
                    cpu = meter.stop()
                    submissions += outcome.submissions
                    bare_ok += outcome.ok if kind == "bare" else 0
                    rounds.append({"round": number, "outcome": outcome, "cpu": cpu})
                    say(
                        f"  round {number + 1}/{args.rounds} c={concurrency:<2} {LABELS[kind]:<22}"
                        f" {outcome.rate:7.1f}/s  ok {outcome.ok:<5} errors {sum(outcome.errors.values())}"
                    )
        load_seconds = time.monotonic() - started
        self.children.stop(server)
        expected = self.var_dir / "load-expected.json"
        expected.write_text(json.dumps({"submissions": submissions, "bare_ok": bare_ok}))
        accounting = self.dbtool(url, "account", "--expected", str(expected))
        accounting["database_bytes"] = self.databases.size(url)
        self.results["load"] = {
            "summary": summarize_load(rounds, args.concurrency),
            "accounting": accounting,
            "tokens_made_on_demand": pool.made_on_demand,
            "seconds": round(load_seconds, 1),
        }

    # --- phase 2: one worker's delivery rate --------------------------------------------

    def phase_delivery(self) -> None:
        assert self.sink is not None
        count = self.args.emails
        say(f"\n[2/3] delivery: {count} queued e-mails to a local SMTP server, one worker")
        url, _target = self.fresh_database("mail")
        self.results["machine"]["commit_ms"] = round(self.databases.commit_probe(url), 2)
        say(f"  a one-row INSERT committed alone takes {self.results['machine']['commit_ms']} ms (median of 200)")

        seeded = self.dbtool(url, "seed", "--count", str(count // 2), "--tag", "direct")
        say(f"  queued {seeded['queued']} e-mails ({count // 2} dossiers in {seeded['seconds']} s)")
        direct_runs = []
        for number in range(self.args.delivery_runs):
            if number:
                self.dbtool(url, "requeue")
            before = self.sink.count()
            meter = CpuMeter([]).start()  # here "client" is this process: the SMTP server
            run = self.dbtool(url, "deliver", "--budget", "120", smtp=True)
            cpu = meter.stop()
            arrived = self.sink.arrivals()[before:]
            run["rate"] = run["sent"] / run["seconds"] if run["seconds"] else 0.0
            run["sink_rate"] = _arrival_rate(arrived)
            run["cpu_ms_per_email"] = 1000 * run["cpu_seconds"] / max(1, run["sent"])
            run["database_cpu_ms_per_email"] = 1000 * run["database_cpu_seconds"] / max(1, run["sent"])
            run["smtp_server_cpu_ms_per_email"] = 1000 * cpu["client"] / max(1, run["sent"])
            run["machine_busy_percent"] = (
                100 * cpu["machine_busy"] / cpu["machine_total"] if cpu["machine_total"] else 0
            )
            direct_runs.append(run)
            say(
                f"  outbox_deliver run {number + 1}/{self.args.delivery_runs}: {run['sent']} sent in {run['seconds']} s"
                f" = {run['rate']:.1f} e-mails/s; CPU ms per e-mail: worker {run['cpu_ms_per_email']:.1f},"
                f" database {run['database_cpu_ms_per_email']:.1f},"
                f" SMTP server {run['smtp_server_cpu_ms_per_email']:.1f};"
                f" machine {run['machine_busy_percent']:.0f}% busy"
            )
        rates = sorted(run["rate"] for run in direct_runs)
        direct = {
            "runs": direct_runs,
            "rate": rates[len(rates) // 2],
            "best": rates[-1],
            "cpu_ms_per_email": sorted(run["cpu_ms_per_email"] for run in direct_runs)[len(rates) // 2],
        }

        queued = self.dbtool(url, "requeue")["queued"]
        before = self.sink.count()
        started = time.monotonic()
        worker = self.start_worker(url, "mail")
        complete = self.sink.wait_for(before + queued, timeout=180)
        finished = time.monotonic()
        self.children.stop(worker)
        arrived = self.sink.arrivals()[before:]
        through_worker = {
            "queued_before": queued,
            "sent": len(arrived),
            "complete": complete,
            "rate": _arrival_rate(arrived),
            "seconds_from_start": round(finished - started, 2),
        }
        say(
            f"  manage.py db_worker: {len(arrived)} sent, {through_worker['rate']:.1f} e-mails/s"
            f" (first to last), {through_worker['seconds_from_start']} s from process start"
        )
        # Last, so that its 42 e-mails are not among those measured above.
        queries = self.dbtool(url, "queries", smtp=True)
        say(
            f"  SQL statements: {queries['per_dossier']} per dossier received, {queries['per_email']} per e-mail sent;"
            f" the dossier's transaction lasts {queries['transaction_ms']} ms (median, no contention)"
        )
        self.results["delivery"] = {"queries": queries, "outbox_deliver": direct, "db_worker": through_worker}

    # --- phase 3: submission → acknowledgement delivered ----------------------------------

    def phase_delay(self) -> None:
        assert self.sink is not None
        args = self.args
        say(f"\n[3/3] delay: {args.delay_rate}/s submissions for {args.delay_seconds} s, gunicorn + db_worker")
        url, target = self.fresh_database("delay")
        server, workers = self.start_gunicorn(url, target, "delay")
        worker = self.start_worker(url, "delay")
        pool = self.token_pool(target)
        pool.fill(int(args.delay_rate * args.delay_seconds) + 50)

        # Warm-up until the whole chain answers: form, worker, SMTP.
        warm = load.run_paced(target=target, rate=5, duration=1, threads=2, tag="delay-warm", pool=pool)
        if not warm.submissions or not _await_acks(self.sink, warm, 60):
            sys.exit(f"bench: the worker did not deliver the warm-up acknowledgements, see {self.var_dir}")

        meter = CpuMeter([*workers, worker.pid], self.databases.server_pids).start()
        paced = load.run_paced(
            target=target, rate=args.delay_rate, duration=args.delay_seconds, threads=4, tag="delay", pool=pool
        )
        _await_acks(self.sink, paced, 60)
        cpu = meter.stop()
        self.children.stop(worker)
        self.children.stop(server)
        first_arrival: dict[str, float] = {}
        for arrival in self.sink.arrivals():
            for recipient in arrival.recipients:
                first_arrival.setdefault(recipient, arrival.at)
        delays = [first_arrival[email] - sent for email, sent in paced.sent_at.items() if email in first_arrival]
        missing = len(paced.sent_at) - len(delays)
        expected = self.var_dir / "delay-expected.json"
        expected.write_text(json.dumps({"submissions": warm.submissions + paced.submissions}))
        accounting = self.dbtool(url, "account", "--expected", str(expected), "--expect-sent")
        self.results["delay"] = {
            "rate": args.delay_rate,
            "seconds": round(paced.seconds, 1),
            "submitted": len(paced.sent_at),
            "errors": paced.errors,
            "acknowledged": len(delays),
            "missing": missing,
            "p50": load.percentile(delays, 0.50),
            "p95": load.percentile(delays, 0.95),
            "max": max(delays, default=float("nan")),
            "post_p50": load.percentile(paced.latencies.get("post", []), 0.50),
            "post_p95": load.percentile(paced.latencies.get("post", []), 0.95),
            "cpu": cpu,
            "accounting": accounting,
        }

    # --- the run --------------------------------------------------------------------------

    def run(self) -> None:
        env = self.env("sqlite://:memory:")
        os.environ.update(env)
        import django

        django.setup()  # only to sign form tokens with the app's SECRET_KEY, in this process
        started = time.monotonic()
        self.results["machine"] = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": self.databases.describe(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average_before": os.getloadavg(),
            "code": _code_version(),
        }
        say(f"Msem bench — {self.results['machine']['database']}, {os.cpu_count()} CPUs, var dir {self.var_dir}")
        subprocess.run(
            python("manage.py", "collectstatic", "--no-input", "-v0"),
            cwd=ROOT,
            env=self.env("sqlite://:memory:"),
            check=True,
        )
        self.sink = SmtpSink().start()
        try:
            for phase in self.args.phases:
                getattr(self, f"phase_{phase}")()
        finally:
            self.children.stop_all()
            self.sink.stop()
            self.databases.drop_all()
        self.results["total_seconds"] = round(time.monotonic() - started, 1)
        report(self.results, self.args)
        suffix = "" if self.args.phases == list(PHASES) else "-" + "-".join(self.args.phases)
        path = ROOT / "var" / "bench" / f"results-{self.databases.kind}{suffix}.json"
        path.write_text(json.dumps(self.results, indent=2, default=str))
        say(f"\nFull results: {path.relative_to(ROOT)}")


def _code_version() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:  # not a git checkout (an exported tree): say which, if told
        return os.environ.get("MSEM_BENCH_CODE", "?")
    changed = len(git("status", "--porcelain", "--", "msem", "config", "templates").splitlines())
    return commit + (f" + {changed} changed files" if changed else "")


def _arrival_rate(arrivals: list[Any]) -> float:
    if len(arrivals) < 2:
        return 0.0
    span = arrivals[-1].at - arrivals[0].at
    return (len(arrivals) - 1) / span if span > 0 else 0.0


def _await_acks(sink: SmtpSink, outcome: load.Outcome, timeout: float) -> bool:
    wanted = {submission["email"].lower() for submission in outcome.submissions}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = {recipient for arrival in sink.arrivals() for recipient in arrival.recipients}
        if wanted <= seen:
            return True
        time.sleep(0.1)
    return False


def summarize_load(rounds: list[dict[str, Any]], concurrencies: list[int]) -> list[dict[str, Any]]:
    rows = []
    for concurrency in concurrencies:
        bare_by_round = {
            item["round"]: item["outcome"].rate
            for item in rounds
            if item["outcome"].kind == "bare" and item["outcome"].concurrency == concurrency
        }
        for kind in KINDS:
            items = [
                item for item in rounds if item["outcome"].kind == kind and item["outcome"].concurrency == concurrency
            ]
            outcomes = [item["outcome"] for item in items]
            ok = sum(outcome.ok for outcome in outcomes)
            seconds = sum(outcome.seconds for outcome in outcomes)
            latencies: dict[str, list[float]] = {}
            errors: dict[str, int] = {}
            for outcome in outcomes:
                for name, values in outcome.latencies.items():
                    latencies.setdefault(name, []).extend(values)
                for name, value in outcome.errors.items():
                    errors[name] = errors.get(name, 0) + value
            cpu = {name: sum(item["cpu"][name] for item in items) for name in items[0]["cpu"]}
            requests = ok * (2 if kind == "get_post" else 1)
            row = {
                "kind": kind,
                "concurrency": concurrency,
                "ok": ok,
                "errors": errors,
                "rate": ok / seconds if seconds else 0.0,
                "http_rate": requests / seconds if seconds else 0.0,
                "rates_by_round": [round(outcome.rate, 1) for outcome in outcomes],
                "ratio_by_round": [
                    round(item["outcome"].rate / bare_by_round[item["round"]], 3)
                    for item in items
                    if bare_by_round.get(item["round"])
                ],
                "latency_ms": {
                    name: {
                        "p50": 1000 * load.percentile(values, 0.50),
                        "p95": 1000 * load.percentile(values, 0.95),
                        "max": 1000 * max(values),
                    }
                    for name, values in latencies.items()
                },
                "cpu_ms_per_ok": {
                    name: 1000 * cpu[name] / ok if ok else float("nan")
                    for name in ("app", "database", "client", "machine_busy")
                },
                "machine_busy_percent": 100 * cpu["machine_busy"] / cpu["machine_total"] if cpu["machine_total"] else 0,
            }
            rows.append(row)
        bare = next(row for row in rows if row["kind"] == "bare" and row["concurrency"] == concurrency)
        for row in rows:
            if row["concurrency"] == concurrency:
                row["ratio"] = row["rate"] / bare["rate"] if bare["rate"] else 0.0
    return rows


def _ms(value: float) -> str:
    return f"{value:7.1f}" if value == value else "      -"  # noqa: PLR0124 (NaN check)


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def _report_load(load_results: dict[str, Any]) -> None:
    header = (
        f"{'scenario':<22} {'conc':>4} {'ok':>6} {'err':>4} {'subm/s':>7} {'HTTP/s':>7}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'vs bare':>8} {'range':>11}  {'CPU ms per ok: app':>18} {'db':>5} {'client':>6}"
    )
    say(header)
    say("-" * len(header))
    for row in load_results["summary"]:
        latency = row["latency_ms"]["request"]
        ratios = row["ratio_by_round"]
        spread = f"{min(ratios):.0%}-{max(ratios):.0%}" if row["kind"] != "bare" and ratios else ""
        ratio = f"{row['ratio']:.0%}" if row["kind"] != "bare" else ""
        cpu = row["cpu_ms_per_ok"]
        say(
            f"{LABELS[row['kind']]:<22} {row['concurrency']:>4} {row['ok']:>6} {sum(row['errors'].values()):>4}"
            f" {row['rate']:>7.1f} {row['http_rate']:>7.1f} {_ms(latency['p50'])} {_ms(latency['p95'])}"
            f" {ratio:>8} {spread:>11}  {cpu['app']:>18.2f} {cpu['database']:>5.2f} {cpu['client']:>6.2f}"
        )
        if row["kind"] == "get_post":
            for name in ("get", "post"):
                part = row["latency_ms"][name]
                say(
                    f"{'   of which ' + name.upper():<22} {'':>4} {'':>6} {'':>4} {'':>7} {'':>7}"
                    f" {_ms(part['p50'])} {_ms(part['p95'])}"
                )
    say("(form subm/s = submissions answered 302 per second; GET + POST: latency of the pair, then of each request)")

    accounting = load_results["accounting"]
    say(
        f"\nAccounting after the load: {accounting['submissions']} successful submissions →"
        f" {accounting['dossiers']} dossiers, {accounting['outbox_rows']} outbox rows,"
        f" {accounting['intake_keys']} intake keys, {accounting['events']} events,"
        f" {accounting['task_rows']} task rows; bare view: {accounting['bare_rows']} rows"
    )
    say("  every submission accounted for" if not accounting["problems"] else f"  PROBLEMS: {accounting['problems']}")
    for example in accounting["examples"]:
        say(f"    {example}")


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    machine = results["machine"]
    say("\n" + "=" * 100)
    say(
        f"Msem bench, {machine['date']}, code {machine['code']}: {machine['database']},"
        f" {machine['cpus']} CPUs, Python {machine['python']}"
    )
    say(
        f"gunicorn {args.workers} sync workers, DEBUG off, 127.0.0.1;"
        " load driver: threads, one http.client connection each"
    )
    say(
        f"{args.rounds} interleaved rounds of {args.duration:g} s per scenario and concurrency;"
        f" one-row commit {machine.get('commit_ms', '?')} ms;"
        f" load average before {machine['load_average_before'][0]:.1f}\n"
    )
    load_results = results.get("load")
    if load_results:
        _report_load(load_results)
    delivery = results.get("delivery")
    if delivery:
        direct, through_worker = delivery["outbox_deliver"], delivery["db_worker"]
        runs = ", ".join(f"{run['rate']:.0f}" for run in direct["runs"])
        say(
            f"\nDelivery to a local SMTP server, one worker, {direct['runs'][0]['sent']} e-mails per run:"
            f" outbox_deliver {runs} e-mails/s (median {direct['rate']:.1f}/s,"
            f" {direct['cpu_ms_per_email']:.1f} ms CPU per e-mail in the worker);"
            f" manage.py db_worker {through_worker['sent']} e-mails at {through_worker['rate']:.1f}/s"
        )
    delay = results.get("delay")
    problems: list[Any] = []
    if delay:
        say(
            f"Submission → acknowledgement at the SMTP server ({delay['rate']}/s for {delay['seconds']} s,"
            f" {delay['acknowledged']}/{delay['submitted']} acknowledged, {delay['missing']} missing):"
            f" p50 {delay['p50'] * 1000:.0f} ms, p95 {delay['p95'] * 1000:.0f} ms, max {delay['max'] * 1000:.0f} ms;"
            f" POST p50 {delay['post_p50'] * 1000:.0f} ms, p95 {delay['post_p95'] * 1000:.0f} ms"
        )
        problems = delay["accounting"]["problems"]
        say(
            "  every submission of the delay phase: one dossier, both e-mails sent"
            if not problems
            else f"  PROBLEMS: {problems}"
        )

    say("\nGoals")
    if load_results:
        for row in load_results["summary"]:
            if row["kind"] != "bare":
                say(
                    f"  {LABELS[row['kind']]} at c={row['concurrency']}: {row['ratio']:.0%} of the bare view's"
                    f" throughput (goal ≥ {GOAL_RATIO:.0%}): {_verdict(row['ratio'] >= GOAL_RATIO)}"
                )
    if load_results and delay:
        all_accounted = not load_results["accounting"]["problems"] and not problems and not delay["missing"]
        say(f"  every submission accounted for: {_verdict(all_accounted)}")
    if delivery:
        say(
            f"  delivery rate {direct['rate']:.1f} e-mails/s per worker, median of {len(direct['runs'])} runs"
            f" (goal ≥ {GOAL_EMAILS_PER_SECOND}):"
            f" {_verdict(direct['rate'] >= GOAL_EMAILS_PER_SECOND)}"
        )
    if delay:
        say(
            f"  acknowledgement delay p95 {delay['p95']:.2f} s (goal < {GOAL_DELAY_P95:g} s):"
            f" {_verdict(delay['p95'] < GOAL_DELAY_P95 and not delay['missing'])}"
        )
    say(f"\nTotal {results['total_seconds']} s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per scenario per round (5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument(
        "--concurrency", type=lambda text: [int(item) for item in text.split(",")], default=[4, 8], help="4,8"
    )
    parser.add_argument("--emails", type=int, default=1000, help="e-mails per delivery measurement (1000)")
    parser.add_argument("--delay-rate", type=float, default=5, help="submissions per second in the delay phase (5)")
    parser.add_argument("--delay-seconds", type=float, default=24, help="length of the delay phase (24)")
    parser.add_argument("--delivery-runs", type=int, default=3, help="outbox_deliver runs over the same e-mails (3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2, as the issue asks)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 1 s, 200 e-mails, 5 s of delay")
    parser.add_argument(
        "--phases",
        type=lambda text: [item for item in text.split(",") if item],
        default=list(PHASES),
        help="the phases to run, of load,delivery,delay (all three); e.g. --phases delivery",
    )
    args = parser.parse_args()
    if unknown := set(args.phases) - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    if args.quick:
        args.duration, args.rounds, args.emails, args.delay_seconds = 1, 1, 200, 5
    Bench(args).run()


if __name__ == "__main__":
    main()
