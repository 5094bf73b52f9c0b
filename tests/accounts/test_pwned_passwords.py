"""Breached passwords are refused (ASVS 6.2.12), against a local server speaking the Pwned Passwords range API."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from msem.accounts.pwned_passwords import breach_count
from tests.accounts.pwned_server import FakePwnedPasswords, sha1
from tests.factories import PASSWORD
from tests.html_forms import page_text
from tests.log_lines import json_lines_of
from tests.mailing.smtp_server import free_port

BREACHED = "les vacances de fevrier a la montagne 2019"
NEVER_SEEN = "une phrase que personne n'a jamais tapée, 2026 !"


@pytest.fixture
def pwned(settings):
    server = FakePwnedPasswords({BREACHED: 4213}).start()
    settings.MSEM_PWNED_PASSWORDS_URL = server.url
    settings.MSEM_PWNED_PASSWORDS_TIMEOUT_SECONDS = 0.5
    yield server
    server.stop()


def refused(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_a_breached_password_is_refused_with_a_translated_reason(pwned):
    assert refused(BREACHED) == ["password_breached"]
    with pytest.raises(ValidationError, match="fuites de données"):
        validate_password(BREACHED)


def test_a_password_not_in_the_breaches_is_accepted(pwned):
    assert refused(NEVER_SEEN) == []


def test_only_five_hex_digits_of_the_hash_leave_with_padding_asked(pwned):
    assert refused(BREACHED) == ["password_breached"]

    (request,) = pwned.requests
    assert request["path"] == f"/range/{sha1(BREACHED)[:5]}"
    assert request["add-padding"] == "true"
    sent = str(request)
    assert sha1(BREACHED)[5:] not in sent.upper()
    assert BREACHED not in sent


def test_padding_lines_of_count_zero_are_not_breaches(pwned):
    pwned.pad_with(NEVER_SEEN)

    assert breach_count(NEVER_SEEN) == 0
    assert refused(NEVER_SEEN) == []


def test_an_answer_in_lower_case_still_matches(settings):
    server = FakePwnedPasswords({BREACHED: 12}, lower_case=True).start()
    settings.MSEM_PWNED_PASSWORDS_URL = server.url
    try:
        assert breach_count(BREACHED) == 12
        assert refused(BREACHED) == ["password_breached"]
    finally:
        server.stop()


def test_a_server_that_hangs_lets_the_password_through_and_it_is_on_record(pwned):
    pwned.mode = "hang"

    started = time.monotonic()
    with json_lines_of("msem.security") as lines:
        assert refused(BREACHED) == []

    assert time.monotonic() - started < 2.5
    assert any('"password.breach_check_unavailable"' in line and '"level": "WARNING"' in line for line in lines)


def test_a_server_error_lets_the_password_through_and_it_is_on_record(pwned):
    pwned.mode = "error"

    with json_lines_of("msem.security") as lines:
        assert refused(BREACHED) == []

    assert any('"event": "password.breach_check_unavailable"' in line for line in lines)
    assert not any(BREACHED in line or sha1(BREACHED)[5:] in line for line in lines)


def test_nobody_listening_lets_the_password_through(settings):
    settings.MSEM_PWNED_PASSWORDS_URL = f"http://127.0.0.1:{free_port()}"

    with json_lines_of("msem.security") as lines:
        assert refused(BREACHED) == []
    assert any('"event": "password.breach_check_unavailable"' in line for line in lines)


def test_an_empty_setting_turns_the_check_off(pwned, settings):
    settings.MSEM_PWNED_PASSWORDS_URL = ""

    assert refused(BREACHED) == []
    assert pwned.requests == []


@pytest.mark.django_db
def test_the_change_password_page_refuses_it_and_keeps_the_old_one(pwned, manager_client, manager):
    response = manager_client.post(
        "/backoffice/password/", {"old_password": PASSWORD, "new_password1": BREACHED, "new_password2": BREACHED}
    )

    assert response.status_code == 400
    assert "Ce mot de passe figure dans des fuites de données" in page_text(response)
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


def test_the_suite_never_reaches_the_real_service(settings):
    # tests/conftest.py empties the setting for every test (and pyproject.toml's environment, at start).
    assert settings.MSEM_PWNED_PASSWORDS_URL == ""
