"""The env-driven settings module, read in a fresh interpreter with a given environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def read_settings(tmp_path, **env: str) -> dict:
    script = (
        "import json, django; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}), 'debug': settings.DEBUG, "
        "'conn_max_age': db['CONN_MAX_AGE'], "
        "'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0), 'email': settings.EMAIL_BACKEND, "
        "'subdomains': getattr(settings, 'SECURE_HSTS_INCLUDE_SUBDOMAINS', False), "
        "'cookies': {kind: [getattr(settings, f'{kind}_COOKIE_{attribute}', None) "
        "for attribute in ('NAME', 'SECURE', 'HTTPONLY', 'SAMESITE')] for kind in ('SESSION', 'CSRF', 'LANGUAGE')}}))"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MSEM_VAR_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 or env.get("expect_failure"), result.stderr
    return json.loads(result.stdout) if result.returncode == 0 else {"stderr": result.stderr}


def test_sqlite_by_default_with_wal_busy_timeout_and_immediate_transactions(tmp_path):
    values = read_settings(tmp_path, DEBUG="true")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["options"]["init_command"]
    assert values["options"]["timeout"] >= 5
    # Kept between requests, as on PostgreSQL: a new connection per request cost 1.2 ms.
    assert values["conn_max_age"] == 60
    assert read_settings(tmp_path, DEBUG="true", CONN_MAX_AGE="0")["conn_max_age"] == 0


def test_postgresql_from_database_url(tmp_path):
    values = read_settings(tmp_path, DEBUG="true", DATABASE_URL="postgres://msem@db.internal:5432/msem")
    assert values["engine"] == "django.db.backends.postgresql"
    # Prepared statements by default; not behind a pooler in transaction mode.
    assert values["options"] == {"server_side_binding": True, "prepare_threshold": 5}
    pooled = read_settings(
        tmp_path,
        DEBUG="true",
        DATABASE_URL="postgres://msem@db.internal:5432/msem",
        MSEM_PG_PREPARED_STATEMENTS="false",
    )
    assert pooled["options"] == {}


def test_production_needs_a_secret_key(tmp_path):
    values = read_settings(tmp_path, expect_failure="1")
    assert "SECRET_KEY must be set" in values["stderr"]


def test_production_defaults_are_the_secure_ones(tmp_path):
    values = read_settings(tmp_path, SECRET_KEY="x" * 50)
    assert values["debug"] is False
    assert values["hsts"] >= 31536000


def test_in_production_cookies_are_secure_for_this_host_only_and_hidden_from_scripts(tmp_path):
    cookies = read_settings(tmp_path, SECRET_KEY="x" * 50)["cookies"]
    assert cookies["SESSION"] == ["__Host-sessionid", True, True, "Lax"]
    assert cookies["CSRF"] == ["__Host-csrftoken", True, True, "Lax"]
    assert cookies["LANGUAGE"] == ["__Host-msem_language", True, True, "Lax"]


def test_hsts_covers_the_subdomains(tmp_path):
    assert read_settings(tmp_path, SECRET_KEY="x" * 50)["subdomains"] is True


def test_without_smtp_mail_goes_to_files_and_with_it_to_smtp(tmp_path):
    assert read_settings(tmp_path, DEBUG="true")["email"].endswith("filebased.EmailBackend")
    assert read_settings(tmp_path, DEBUG="true", EMAIL_HOST="smtp.test")["email"].endswith("smtp.EmailBackend")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MSEM_INTAKE_LIMIT_PER_IP", "10"),
        ("MSEM_INTAKE_LIMIT_PER_SCHOOL", "ten/3600"),
        ("MSEM_INTAKE_LIMIT_PER_RECIPIENT", "5/0"),
        ("MSEM_PASSWORD_RESET_LIMIT_PER_EMAIL", "3 per hour"),
        ("MSEM_4807_READ_TIMEOUT", "10s"),
        ("MSEM_PWNED_PASSWORDS_TIMEOUT_SECONDS", "two"),
    ],
)
def test_a_malformed_limit_or_timeout_stops_every_process_at_start_naming_the_variable(tmp_path, variable, value):
    """Not a 500 on the contact form (or the password reset) at the first client who sends it."""
    result = read_settings(tmp_path, DEBUG="true", expect_failure="yes", **{variable: value})
    assert f"ImproperlyConfigured: {variable} must be" in result["stderr"]
    assert repr(value) in result["stderr"]


def test_limits_and_timeouts_as_documented_are_accepted(tmp_path):
    read_settings(tmp_path, DEBUG="true", MSEM_INTAKE_LIMIT_PER_IP="20/3600", MSEM_4807_READ_TIMEOUT="2.5")


def check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "production-like-Secret-Key-0123456789-abcdefghijklmnop-QRSTUV",
        "ALLOWED_HOSTS": "msem.example.com",
        "DATABASE_URL": "postgres://msem@db.internal:5432/msem?sslmode=verify-full",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_USE_TLS": "true",
        "MSEM_4807_URL": "https://gateway.4807.example/api/v1",
        "MSEM_BASE_URL": "https://msem.example.com",
        "MSEM_TRUSTED_PROXY_COUNT": "1",
        "MSEM_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_backends_reached_in_clear(tmp_path):
    result = check_deploy(
        tmp_path,
        DATABASE_URL="postgres://msem@db.internal:5432/msem",
        EMAIL_USE_TLS="false",
        MSEM_4807_URL="http://gateway.4807.example/api/v1",
    )
    assert result.returncode != 0
    for check_id in ("msem.W001", "msem.W002", "msem.W003"):
        assert check_id in result.stderr + result.stdout


@pytest.mark.parametrize("base_url", ["", "http://127.0.0.1:8000", "http://msem.example.com", "https://localhost"])
def test_check_deploy_refuses_links_to_an_address_nobody_can_reach(tmp_path, base_url):
    result = check_deploy(tmp_path, MSEM_BASE_URL=base_url)
    assert result.returncode != 0
    assert "msem.W004" in result.stderr + result.stdout


@pytest.mark.parametrize("gateway", ["gateway.4807.example/api/v1", "https:///api/v1", "ftp://gateway.4807.example"])
def test_check_deploy_refuses_a_4807_address_that_cannot_be_called(tmp_path, gateway):
    result = check_deploy(tmp_path, MSEM_4807_URL=gateway)
    assert result.returncode != 0
    assert "msem.W005" in result.stderr + result.stdout


@pytest.mark.parametrize("variable", ["MSEM_PAYMENT_SANDBOX", "MSEM_DEMO"])
def test_check_deploy_refuses_the_demos_pretend_payments(tmp_path, variable):
    result = check_deploy(tmp_path, **{variable: "true"})
    assert result.returncode != 0
    assert "msem.W006" in result.stderr + result.stdout


def test_check_deploy_refuses_card_payments_whose_webhooks_would_all_be_refused(tmp_path):
    result = check_deploy(tmp_path, MSEM_STRIPE_SECRET_KEY="rk_live_example")
    assert result.returncode != 0
    assert "msem.W007" in result.stderr + result.stdout
    assert (
        check_deploy(
            tmp_path, MSEM_STRIPE_SECRET_KEY="rk_live_example", MSEM_STRIPE_WEBHOOK_SECRET="whsec_x"
        ).returncode
        == 0
    )


@pytest.mark.parametrize("count", ["", "0"])
def test_check_deploy_refuses_a_proxy_counted_as_none(tmp_path, count):
    """Every client would share the proxy's address, and the public form's per-address limit."""
    result = check_deploy(tmp_path, MSEM_TRUSTED_PROXY_COUNT=count)
    assert result.returncode != 0
    assert "msem.W008" in result.stderr + result.stdout


def test_backends_on_this_machine_need_no_tls(tmp_path):
    result = check_deploy(
        tmp_path,
        DATABASE_URL="postgres://msem@127.0.0.1:5432/msem",
        EMAIL_HOST="localhost",
        EMAIL_USE_TLS="false",
        MSEM_4807_URL="http://127.0.0.1:4807/api/v1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
