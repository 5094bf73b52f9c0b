"""Certificates instead of passwords to reach the database and the SMTP relay (ASVS 13.2.1).

The settings are read in a fresh interpreter with a given environment, as in production.
The SMTP side is tested end to end in tests/mailing/test_client_certificate.py; PostgreSQL's
is libpq's own, so what is shown here is that DATABASE_URL's options reach it untouched, from the
application and from the backups' pg_dump and pg_restore.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from psycopg.conninfo import conninfo_to_dict

from msem.platform import backups
from tests.platform.test_settings_module import check_deploy

ROOT = Path(__file__).resolve().parents[2]

CERTIFICATE_URL = (
    "postgres://msem_web@db.internal:5432/msem?sslmode=verify-full"
    "&sslrootcert=/etc/msem/db-ca.crt&sslcert=/etc/msem/msem_web.crt&sslkey=/etc/msem/msem_web.key"
)
CERTIFICATE_OPTIONS = {
    "sslmode": "verify-full",
    "sslrootcert": "/etc/msem/db-ca.crt",
    "sslcert": "/etc/msem/msem_web.crt",
    "sslkey": "/etc/msem/msem_web.key",
}


def read_settings(tmp_path, names: list[str], **env: str) -> subprocess.CompletedProcess:
    script = (
        "import json, sys, django; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}, default=str))"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x" * 50,
        "MSEM_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def settings_values(tmp_path, names: list[str], **env: str) -> dict:
    result = read_settings(tmp_path, names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class TestPostgresqlClientCertificate:
    def test_the_certificate_options_of_database_url_reach_the_database_connection(self, tmp_path):
        database = settings_values(tmp_path, ["DATABASES"], DATABASE_URL=CERTIFICATE_URL)["DATABASES"]["default"]
        # Beside them, the prepared statements' options (test_settings_module.py).
        assert {name: database["OPTIONS"].get(name) for name in CERTIFICATE_OPTIONS} == CERTIFICATE_OPTIONS
        assert database["USER"] == "msem_web"
        assert database["PASSWORD"] == ""
        # Set beside OPTIONS for PostgreSQL: neither replaces them.
        assert database["CONN_HEALTH_CHECKS"] is True

    def test_the_backups_connect_with_the_same_certificate(self, monkeypatch):
        # Only what backups reads, so that the test database's own connection is left alone.
        databases = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "msem",
                "USER": "msem_web",
                "HOST": "db.internal",
                "PORT": 5432,
                "PASSWORD": "",
                "OPTIONS": {**CERTIFICATE_OPTIONS, "sslpassword": "key-passphrase", "isolation_level": 1},
            }
        }
        monkeypatch.setattr(backups, "settings", SimpleNamespace(DATABASES=databases))
        # What pg_dump and pg_restore get on their command line: no secret, but the TLS options.
        on_command_line = conninfo_to_dict(backups._dsn())
        assert on_command_line == {"dbname": "msem", "user": "msem_web", "host": "db.internal", "port": "5432"} | (
            CERTIFICATE_OPTIONS
        )
        # In process (the scratch database of backup_check), the key's passphrase too.
        in_process = conninfo_to_dict(backups._dsn(database="postgres", with_password=True))
        assert in_process["sslpassword"] == "key-passphrase"


class TestSmtpClientCertificate:
    NAMES = ["EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_SSL_CERTFILE", "EMAIL_SSL_KEYFILE", "MSEM_EMAIL_SSL_CAFILE"]

    def test_the_certificate_files_come_from_the_environment(self, tmp_path):
        values = settings_values(
            tmp_path,
            self.NAMES,
            EMAIL_HOST="relay.internal",
            EMAIL_USE_SSL="true",
            EMAIL_SSL_CERTFILE="/etc/msem/smtp.crt",
            EMAIL_SSL_KEYFILE="/etc/msem/smtp.key",
            MSEM_EMAIL_SSL_CAFILE="/etc/msem/internal-ca.crt",
        )
        assert values == {
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": True,
            "EMAIL_SSL_CERTFILE": "/etc/msem/smtp.crt",
            "EMAIL_SSL_KEYFILE": "/etc/msem/smtp.key",
            "MSEM_EMAIL_SSL_CAFILE": "/etc/msem/internal-ca.crt",
        }

    def test_none_by_default(self, tmp_path):
        values = settings_values(tmp_path, self.NAMES, EMAIL_HOST="relay.internal")
        assert values == dict.fromkeys(self.NAMES[2:]) | {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False}

    def test_a_certificate_without_tls_is_refused_rather_than_ignored(self, tmp_path):
        result = read_settings(
            tmp_path, self.NAMES, EMAIL_HOST="relay.internal", EMAIL_SSL_CERTFILE="/etc/msem/smtp.crt"
        )
        assert result.returncode != 0
        assert "need EMAIL_USE_TLS or EMAIL_USE_SSL" in result.stderr

    def test_starttls_and_tls_from_the_first_byte_are_exclusive(self, tmp_path):
        result = read_settings(tmp_path, self.NAMES, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
        assert result.returncode != 0
        assert "exclusive" in result.stderr

    def test_a_key_without_its_certificate_is_refused(self, tmp_path):
        result = read_settings(tmp_path, self.NAMES, EMAIL_USE_TLS="true", EMAIL_SSL_KEYFILE="/etc/msem/smtp.key")
        assert result.returncode != 0
        assert "EMAIL_SSL_KEYFILE needs EMAIL_SSL_CERTFILE" in result.stderr

    def test_check_deploy_accepts_tls_from_the_first_byte_with_a_client_certificate(self, tmp_path):
        result = check_deploy(
            tmp_path,
            DATABASE_URL=CERTIFICATE_URL,
            EMAIL_PORT="465",
            EMAIL_USE_TLS="false",
            EMAIL_USE_SSL="true",
            EMAIL_SSL_CERTFILE="/etc/msem/smtp.crt",
            EMAIL_SSL_KEYFILE="/etc/msem/smtp.key",
        )
        assert result.returncode == 0, result.stdout + result.stderr
