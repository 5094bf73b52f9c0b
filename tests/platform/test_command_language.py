"""Msem's management commands answer the operator in English, whatever the deployment's default language.

The operator reads README.md and docs/deployment.md, in English, as are the commands' --help and
Django's own commands. The deployment's default language is French (LANGUAGE_CODE), which a
command's translated messages used to follow: some commands answered in French, others in English.
Each test runs its command as the shell does, with French the active language.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import connection
from django.utils import translation

from tests.catalog.helpers import csv_file, product_line

pytestmark = pytest.mark.django_db

# Processes that run until stopped: their few lines are written in English in the code, and their
# tasks must keep the deployment's default language, so they are not run here.
LONG_RUNNING = {"serve", "db_worker", "schedule", "run_4807_simulator"}


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    with translation.override("fr"):
        call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refusal(*args: str) -> str:
    with translation.override("fr"), pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    return str(caught.value)


def msem_commands() -> set[str]:
    return {name for name, app in get_commands().items() if app.startswith("msem.")}


# The commands run below; a new command joins one list or the other.
CHECKED = {
    "end_sessions",
    "import_catalog",
    "school_search_indexes",
    "seed_demo",
    "seed_inquiries",
    "backup_database",
    "backup_check",
    "restore_database",
    "seal_secrets_again",
}


def test_every_command_of_msem_is_checked_here():
    assert msem_commands() == CHECKED | LONG_RUNNING


def test_end_sessions(manager):
    assert refusal("end_sessions", "--email", "nobody@msem.test") == "No user has the address nobody@msem.test."
    assert run("end_sessions", "--all")[0] == "0 sessions ended.\n"


def test_import_catalog(school, tmp_path: Path):
    assert refusal("import_catalog", "x.csv", "--school", "nowhere", "--public") == "No school has the slug “nowhere”."
    assert "has no 4807 catalog CE-ALPES. Add the code" in refusal(
        "import_catalog", "x.csv", "--school", school.slug, "--catalog", "CE-ALPES"
    )
    assert refusal("import_catalog", str(tmp_path / "x.csv"), "--school", school.slug, "--public") == (
        f"Can't read {tmp_path / 'x.csv'}: No such file or directory"
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(product_line("CC-OURSON", "18,999")))
    assert refusal("import_catalog", str(bad), "--school", school.slug, "--public").splitlines() == [
        "Nothing was imported. Correct the file and import it again:",
        "  Row 2, price: “18,999” is not a price: write it like 189,00 or 189.00.",
    ]
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(product_line("CC-OURSON")))
    assert run("import_catalog", str(good), "--school", school.slug, "--public")[0].startswith(
        "Public price list: 1 row imported. Products: 1 created"
    )


@pytest.mark.django_db(transaction=True)  # on PostgreSQL it builds indexes concurrently, outside any transaction
def test_school_search_indexes():
    if connection.vendor == "postgresql":
        assert refusal("school_search_indexes", "--min-dossiers", "0") == "--min-dossiers must be 1 or more."
        assert run("school_search_indexes")[0] == "Every large school has its search index.\n"
    else:
        assert run("school_search_indexes")[0] == (
            "Nothing to do: schools have their own search index on PostgreSQL only.\n"
        )


def test_seed_demo(settings):
    settings.MSEM_DEMO = False
    assert refusal("seed_demo") == "The demo school is only created where MSEM_DEMO is on (never in production)."


def test_seed_inquiries():
    assert refusal("seed_inquiries") == "Say which schools to fill: --schools N, --large-school N or --school SLUG."


@pytest.mark.django_db(transaction=True)  # a backup reads the database from outside the test's transaction
def test_backup_database_backup_check_restore_database(tmp_path: Path):
    backup = tmp_path / "msem.backup"
    assert run("backup_database", "--output", str(backup))[0].startswith(f"backup written: {backup}")
    assert run("backup_check", str(backup))[0].endswith(f"{backup} restores correctly\n")
    assert refusal("restore_database", str(backup)) == "This replaces everything in the database: add --yes to confirm."
    assert "no backup at" in refusal("backup_check", str(tmp_path / "nothing.backup"))


def test_seal_secrets_again():
    assert run("seal_secrets_again")[0] == "Sealed again under the current key: 0 TOTP secrets, 0 4807 tokens.\n"
