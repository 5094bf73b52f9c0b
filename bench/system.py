"""Processes, CPU time and databases of a bench run."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU time, from /proc -----------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces.
    return [
        text[: text.index(" ")],
        text[text.index("(") + 1 : text.rindex(")")],
        *text[text.rindex(")") + 2 :].split(),
    ]


def children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[3]) == parent:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (those that went away count zero)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[13]) + int(fields[14])
    return total / CLOCK_TICKS


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            found[pid] = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return found


@dataclass
class CpuMeter:
    """CPU used between start() and stop() by the app's workers, the database server, this process, the machine.

    Database processes are looked up at both ends (PostgreSQL starts a backend
    per connection); one that both started and ended in between is missed.
    """

    app_pids: list[int]
    database_pids: Callable[[], list[int]] = list

    def start(self) -> CpuMeter:
        self._app = cpu_seconds(self.app_pids)
        self._db = cpu_by_pid(self.database_pids())
        self._me = time.process_time()
        self._machine = machine_busy()
        return self

    def stop(self) -> dict[str, float]:
        busy, total = machine_busy()
        database = sum(seconds - self._db.get(pid, 0.0) for pid, seconds in cpu_by_pid(self.database_pids()).items())
        return {
            "app": cpu_seconds(self.app_pids) - self._app,
            "database": database,
            "client": time.process_time() - self._me,
            "machine_busy": busy - self._machine[0],
            "machine_total": total - self._machine[1],
        }


# --- Child processes ------------------------------------------------------------------


class Children:
    """The processes this run started, and only those, stopped by their own pid."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def start(self, command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("ab") as output:
            child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        self.started.append(child)
        return child

    def stop(self, child: subprocess.Popen, timeout: float = 15) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=timeout)
        if child in self.started:
            self.started.remove(child)

    def stop_all(self) -> None:
        for child in list(reversed(self.started)):
            self.stop(child)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


# --- Databases ------------------------------------------------------------------------


class SqliteDatabases:
    kind = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def create(self, name: str) -> str:
        path = self.directory / f"{name}.sqlite3"
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def size(self, url: str) -> int:
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))

    def describe(self) -> str:
        with sqlite3.connect(":memory:") as memory:
            return f"SQLite {memory.execute('select sqlite_version()').fetchone()[0]} (WAL)"

    def server_pids(self) -> list[int]:
        return []

    def commit_probe(self, url: str, count: int = 200) -> float:
        """Median milliseconds of a one-row INSERT committed alone, with the app's pragmas."""
        timings = []
        with sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=20) as connection:
            connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            connection.execute("CREATE TABLE bench_probe (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT)")
            for _ in range(count):
                started = time.perf_counter()
                connection.execute("INSERT INTO bench_probe (note) VALUES ('probe')")
                timings.append(time.perf_counter() - started)
            connection.execute("DROP TABLE bench_probe")
        connection.close()
        return 1000 * sorted(timings)[count // 2]

    def drop_all(self) -> None:
        """The files stay in var/bench for a look after the run; the next run replaces them."""


class PostgresDatabases:
    """Fresh databases msem_bench_<pid>_<name> on the server of DATABASE_URL, dropped at the end."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self.created: list[str] = []

    def _admin(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def create(self, name: str) -> str:
        from psycopg import sql

        database = f"msem_bench_{os.getpid()}_{name}"
        with self._admin() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        self.created.append(database)
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    def size(self, url: str) -> int:
        with self._admin() as connection:
            row = connection.execute("SELECT pg_database_size(%s)", [urlsplit(url).path.lstrip("/")]).fetchone()
        return int(row[0]) if row else 0

    def describe(self) -> str:
        with self._admin() as connection:
            row = connection.execute("SHOW server_version").fetchone()
            sync = connection.execute("SHOW synchronous_commit").fetchone()
        return f"PostgreSQL {row[0] if row else '?'} (synchronous_commit={sync[0] if sync else '?'})"

    def server_pids(self) -> list[int]:
        """The backends serving this run's databases (the server may be shared with others)."""
        with self._admin() as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)", [list(self.created)]
            ).fetchall()
        return [int(row[0]) for row in rows]

    def commit_probe(self, url: str, count: int = 200) -> float:
        """Median milliseconds of a one-row INSERT committed alone (on PostgreSQL, a WAL flush)."""
        import psycopg

        timings = []
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE bench_probe (id BIGSERIAL PRIMARY KEY, note TEXT)")
            for _ in range(count):
                started = time.perf_counter()
                connection.execute("INSERT INTO bench_probe (note) VALUES ('probe')")
                timings.append(time.perf_counter() - started)
            connection.execute("DROP TABLE bench_probe")
        return 1000 * sorted(timings)[count // 2]

    def drop_all(self) -> None:
        from psycopg import sql

        with self._admin() as connection:
            for database in self.created:
                connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        self.created.clear()


def databases_from_env(var_dir: Path) -> SqliteDatabases | PostgresDatabases:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresDatabases(url)
    if url:
        sys.exit(f"bench: DATABASE_URL must be a PostgreSQL URL (or unset for SQLite), not {url!r}")
    return SqliteDatabases(var_dir)


def fresh_directory(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
