"""The deployment under test, as processes: gunicorn, `db_worker`s, the scheduler; and their outages.

Everything runs as in production, each part in its own process, on the test
database: the web app under gunicorn, two workers, the clock. The database
is reached through a TCP proxy on PostgreSQL (cut to take it away), and is
write-locked by another connection on SQLite (one file has no network to cut:
a writer holding the lock longer than the busy timeout is what SQLite's
outage looks like).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.faults.tcp_proxy import TcpProxy
from tests.mailing.smtp_server import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
LOGS = Path(settings.VAR_DIR) / "faults"
WEBHOOK_SECRET = "whsec_faults"
# A short busy timeout on SQLite, so that a lock held a few seconds is an outage.
SQLITE_BUSY_SECONDS = 2
LEASE_SECONDS = 15
# As in production (docs/deployment.md): its own lines as JSON, beside the application's.
GUNICORN_OPTIONS = ("-c", "config/gunicorn.py", "-w", "2", "--timeout", "60", "--log-level", "warning")
WORKER_OPTIONS = ("--interval", "0.2", "--no-startup-delay", "--queue-name", "*")


def wait_until(condition, *, timeout: float, message) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


class Database:
    """The test database as the processes reach it, and the way to take it away from them."""

    def __init__(self) -> None:
        self.settings = connection.settings_dict
        self.is_sqlite = self.settings["ENGINE"].endswith("sqlite3")
        self.proxy = None if self.is_sqlite else TcpProxy(int(self.settings["PORT"] or 5432)).start()
        self._lock: sqlite3.Connection | None = None
        self.down = False

    @property
    def url(self) -> str:
        database = self.settings
        if self.is_sqlite:
            return f"sqlite:///{Path(database['NAME']).resolve()}"
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        return f"postgres://{database['USER']}{password}@127.0.0.1:{self.proxy.port}/{database['NAME']}"

    def go_down(self) -> None:
        self.down = True
        if self.proxy is not None:
            self.proxy.cut()
            return
        self._lock = sqlite3.connect(self.settings["NAME"], isolation_level=None, timeout=30)
        self._lock.execute("BEGIN EXCLUSIVE")

    def come_back(self) -> None:
        if not self.down:
            return
        self.down = False
        if self.proxy is not None:
            self.proxy.restore()
        elif self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        self.come_back()
        if self.proxy is not None:
            self.proxy.cut()


class Processes:
    """The processes a test started, and only those; each logs to <MSEM_VAR_DIR>/faults/<name>.log."""

    def __init__(self, name: str, database: Database, smtp: SmtpServer, four_eight_o_seven_url: str) -> None:
        self.logs = LOGS / name
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database.url,
            "SECRET_KEY": settings.SECRET_KEY,  # the test signs form tokens with it
            "ALLOWED_HOSTS": "127.0.0.1",
            "MSEM_SQLITE_BUSY_SECONDS": str(SQLITE_BUSY_SECONDS),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "5",
            "MSEM_4807_URL": four_eight_o_seven_url,
            "MSEM_4807_TOKEN": "test-token",
            "MSEM_4807_READ_TIMEOUT": "5",
            "MSEM_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            # A stream of clients from one address, faster than people: no robot check, no rate limit.
            "MSEM_FORM_MIN_FILL_SECONDS": "0",
            "MSEM_INTAKE_LIMIT_PER_IP": "100000/3600",
            "MSEM_INTAKE_LIMIT_PER_SCHOOL": "100000/3600",
            # Outages of seconds, not hours: short leases and retries, and enough of them.
            # The lease outlasts the outages (a worker waits the database out while it holds a row).
            "MSEM_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "MSEM_OUTBOX_RETRY_BASE_SECONDS": "1",
            "MSEM_OUTBOX_RETRY_MAX_SECONDS": "2",
            "MSEM_OUTBOX_MAX_ATTEMPTS": "40",
            "MSEM_4807_RETRY_BASE_SECONDS": "1",
            "MSEM_4807_RETRY_MAX_SECONDS": "2",
            "MSEM_4807_PUSH_MAX_ATTEMPTS": "40",
            "MSEM_OUTBOX_RUN_SECONDS": "20",
        }
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.started: list[subprocess.Popen] = []
        self.killed: list[subprocess.Popen] = []
        self._serial = 0

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        self._serial += 1
        with (self.logs / f"{self._serial:02d}-{name}.log").open("wb") as log:
            child = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(child)
        return child

    def start_web(self) -> None:
        self.web = self._start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{self.port}", *GUNICORN_OPTIONS],
        )
        wait_until(self._web_answers, timeout=30, message="gunicorn did not start")

    def _web_answers(self) -> bool:
        try:
            urllib.request.urlopen(self.base_url + "/static/css/public.css", timeout=2)
        except (OSError, urllib.error.URLError):
            return False
        return True

    def start_workers(self, count: int = 2) -> None:
        for _ in range(count):
            self.workers.append(
                self._start(
                    "db_worker",
                    [sys.executable, "manage.py", "db_worker", *WORKER_OPTIONS],
                )
            )

    def start_scheduler(self) -> None:
        self._start("schedule", [sys.executable, "manage.py", "schedule", "--interval", "2"])

    def kill_workers(self) -> None:
        """SIGKILL: no clean-up, no goodbye, as when the machine or the OOM killer takes them."""
        for worker in self.workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        self.killed.extend(self.workers)
        self.workers.clear()

    def ended_on_their_own(self) -> list[str]:
        """The processes that stopped without being killed (an outage is no reason to stop)."""
        return [
            " ".join(map(str, child.args[1:4]))
            for child in self.started
            if child.poll() is not None and child not in self.killed
        ]

    def stop_all(self) -> None:
        for child in reversed(self.started):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.started:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=10)


@contextmanager
def smtp_down(smtp: SmtpServer):
    smtp.stop()
    try:
        yield
    finally:
        smtp.start()  # the same port, the same record of what was received


def background(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread
