"""What the in-process benches share: their environment, a child process per database, a percentile.

`bench/dashboard_bench.py`, `bench/emails_bench.py` and `bench/inbox_bench.py` seed a database and
time pages through the whole Django stack in a child process (`--child`), one per database: SQLite
in a temporary directory, PostgreSQL in a database created on $BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/postgres). The child prints one "BENCH-RESULT {…}" line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULT_MARK = "BENCH-RESULT "
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def bench_environment() -> dict[str, str]:
    """Production settings, a throwaway key, the test client's host; the database left to each run."""
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    environment.pop("DATABASE_URL", None)
    return environment


def postgres_execute(sql: str, admin_url: str = ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def database_url(name: str, admin_url: str = ADMIN_URL) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def child_report(script: str, arguments: list[str], environment: dict[str, str]) -> dict[str, Any]:
    """Run `script --child arguments` and return the report it printed."""
    command = [sys.executable, script, "--child", *arguments]
    completed = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"the {environment.get('DATABASE_URL', 'SQLite')} run failed")
    line = next(line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK) :])


def print_result(report: dict[str, Any]) -> None:
    """The child's own output: its report on one line, for the parent."""
    print(RESULT_MARK + json.dumps(report))


def reports_per_backend(
    *, backends: str, name: str, run: Callable[[dict[str, str]], dict[str, Any]]
) -> list[dict[str, Any]]:
    """`run(environment)` on a fresh SQLite, then on a fresh PostgreSQL database dropped afterwards."""
    reports = []
    for backend in backends.split(","):
        with tempfile.TemporaryDirectory(prefix=f"msem-{name}-bench-") as var_dir:
            environment = {**bench_environment(), "MSEM_VAR_DIR": var_dir}
            if backend == "sqlite":
                reports.append(run(environment))
                continue
            database = f"msem_{name}_bench_{os.getpid()}"
            postgres_execute(f'CREATE DATABASE "{database}"')
            try:
                reports.append(run({**environment, "DATABASE_URL": database_url(database)}))
            finally:
                postgres_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return reports
