"""Backing up the database, restoring it, and proving that a backup restores.

A backup nobody has restored is a hope. `manage.py backup_check FILE`
restores a backup into a scratch database, checks it, and throws the scratch
copy away: run it after every backup (docs/deployment.md).

SQLite: the online backup API, consistent while the application writes.
PostgreSQL: pg_dump's custom format, restored with pg_restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg.conninfo import make_conninfo

# The tables whose row counts an operator looks at to recognise the data.
COUNTED_TABLES = ["schools_school", "inquiries_inquiry", "mailing_outgoingemail", "quotes_quote", "sales_sale"]


class BackupError(Exception):
    pass


@dataclass
class RestoreCheck:
    backup: Path
    problems: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    migrations_behind: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def backup_default_path(now: Any = None) -> Path:
    stamp = (now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if _engine() == "sqlite" else "pgdump"
    return Path(settings.VAR_DIR) / "backups" / f"msem-{stamp}.{suffix}"


def backup_write(path: Path) -> Path:
    """Write a consistent copy of the whole database to `path` (not overwritten if it exists)."""
    if path.exists():
        raise BackupError(f"{path} exists already")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    # Every client's personal data is in there: readable by the user that runs Msem only, from the first byte
    # (pg_dump and SQLite write into this file and keep its mode, whatever the umask).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if _engine() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", _dsn()])
    # Renamed only when complete: a backup cut short never looks like a backup.
    partial.rename(path)
    return path


def backup_restore(path: Path) -> None:
    """Replace the configured database's content with the backup's. Destroys what is there."""
    _must_exist(path)
    if _engine() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops tables this process might hold locks on
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={_dsn()}", str(path)])  # fmt: skip


def backup_check(path: Path) -> RestoreCheck:
    """Restore the backup into a scratch database and check what came back."""
    _must_exist(path)
    check = RestoreCheck(backup=path)
    with _scratch_restore(path, check) as cursor:
        if cursor is not None:
            _check_restored(cursor, check)
    return check


def _check_restored(cursor: Any, check: RestoreCheck) -> None:
    if _engine() == "sqlite":
        cursor.execute("PRAGMA integrity_check")
        if (answer := cursor.fetchone()[0]) != "ok":
            check.problems.append(f"integrity check: {answer}")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {row[0] for row in cursor.fetchall()}
    if "django_migrations" not in tables:
        check.problems.append("no django_migrations table: not a Msem database")
        return
    cursor.execute("SELECT app, name FROM django_migrations")
    applied = {(app, name) for app, name in cursor.fetchall()}
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = applied - known
    ours = {config.label for config in apps.get_app_configs()}
    if unknown := sorted(f"{app}.{name}" for app, name in newer if app in ours):
        check.problems.append(f"migrations this code does not know (a backup of a newer version?): {unknown[:5]}")
    check.migrations_behind = len(known - applied)
    # Tables a migration that the backup has applied should have created.
    expected = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label in {app for app, _ in applied}
    }
    if missing := sorted(expected - tables):
        check.problems.append(f"tables missing: {missing[:10]}")
    for table in COUNTED_TABLES:
        if table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a constant table name)
            check.row_counts[table] = cursor.fetchone()[0]


@contextmanager
def _scratch_restore(path: Path, check: RestoreCheck) -> Iterator[Any]:
    """A cursor on a throwaway copy restored from the backup; None when it does not restore."""
    scratch = _scratch_sqlite if _engine() == "sqlite" else _scratch_postgresql
    with scratch(path, check) as cursor:
        yield cursor


@contextmanager
def _scratch_sqlite(path: Path, check: RestoreCheck) -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="msem-restore-check-") as directory:
        copy = Path(directory) / "restored.sqlite3"
        shutil.copyfile(path, copy)
        restored = sqlite3.connect(copy)
        try:
            restored.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            check.problems.append(f"not a readable SQLite database: {error}")
            restored.close()
            yield None
            return
        try:
            yield restored.cursor()
        finally:
            restored.close()


@contextmanager
def _scratch_postgresql(path: Path, check: RestoreCheck) -> Iterator[Any]:
    name = f"msem_restore_check_{os.getpid()}"
    with psycopg.connect(_dsn(database="postgres", with_password=True), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            try:
                _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                      f"--dbname={_dsn(database=name)}", str(path)])  # fmt: skip
            except BackupError as error:
                check.problems.append(str(error))
                yield None
                return
            with psycopg.connect(_dsn(database=name, with_password=True)) as restored, restored.cursor() as cursor:
                yield cursor
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# DATABASE_URL's libpq options that say how the connection is secured and authenticated: without
# them pg_dump would not verify the server (sslmode) nor present the client certificate that
# replaces the password (sslcert, sslkey). Paths only; sslpassword is a secret, kept off command lines.
_TLS_OPTIONS = (
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir", "sslsni",
    "sslnegotiation", "ssl_min_protocol_version", "ssl_max_protocol_version",
    "channel_binding", "gssencmode", "requirepeer",
)  # fmt: skip


def _dsn(database: str | None = None, *, with_password: bool = False) -> str:
    """The connection string; the password only for in-process use, never on a command line (ps shows those)."""
    values = settings.DATABASES["default"]
    options = values.get("OPTIONS", {})
    parts = {
        "dbname": database or values["NAME"],
        "user": values.get("USER"),
        "host": values.get("HOST"),
        "port": values.get("PORT"),
        "password": values.get("PASSWORD") if with_password else None,
        **{name: options.get(name) for name in _TLS_OPTIONS},
        "sslpassword": options.get("sslpassword") if with_password else None,
    }
    return make_conninfo(**{key: str(value) for key, value in parts.items() if value})


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"no backup at {path}")


def _run(command: list[str]) -> None:
    try:
        password = settings.DATABASES["default"].get("PASSWORD")
        env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
        # The commands are pg_dump/pg_restore with our own arguments, no shell.
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=False, timeout=6 * 3600, env=env
        )
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
