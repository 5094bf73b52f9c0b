"""Two-step verification at the back-office login (ASVS 6.3.3, 6.5.1–6.5.5), over HTTP as a user does it.

The suite runs with MSEM_TWO_FACTOR_REQUIRED=nobody (pyproject.toml) so that the
other tests log in with a password alone; every mode is set here explicitly.
"""

from __future__ import annotations

import base64
import io
import json
import re
import time
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import ScryptPasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from msem.accounts import totp
from msem.accounts.models import LoginFailure, RecoveryCode, Role, SecondFactor, User
from msem.accounts.two_factor_pending import PENDING
from tests.factories import PASSWORD, MembershipFactory
from tests.html_forms import page_text
from tests.log_lines import json_lines_of
from tests.platform.test_settings_module import read_settings

pytestmark = pytest.mark.django_db

LOGIN = reverse("backoffice:login")
VERIFY = reverse("backoffice:login_verify")
ENROL = reverse("backoffice:login_enrol")
ACCOUNT = reverse("backoffice:two_factor")
ACCOUNT_ENROL = reverse("backoffice:two_factor_enrol")
NEW_CODES = reverse("backoffice:two_factor_codes")
TURN_OFF = reverse("backoffice:two_factor_disable")


class Lines(list):
    def events(self, name: str) -> list[dict]:
        return [line for line in map(json.loads, self) if line["event"] == name]


@pytest.fixture
def security_log():
    with json_lines_of("msem.security", Lines()) as lines:
        yield lines


@pytest.fixture
def required(settings):
    def set_mode(mode: str) -> None:
        settings.MSEM_TWO_FACTOR_REQUIRED = mode

    return set_mode


@pytest.fixture
def clock(monkeypatch):
    """Move the authenticator's clock (only msem/accounts/totp.py reads it) some seconds ahead."""

    def move(seconds: float) -> None:
        start = time.time()
        monkeypatch.setattr(totp, "time", SimpleNamespace(time=lambda: start + seconds + (time.time() - start)))

    return move


def password_step(client: Client, email: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(LOGIN, {"email": email, "password": password, "next": next_url})


def secret_on(page) -> bytes:
    """The key as the page shows it for typing (grouped base32), back to bytes."""
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert match, "no secret on the page"
    text = match.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def next_code(user: User, key: bytes) -> str:
    """The code an app would show next: a later step than the last accepted one, within the tolerance."""
    factor = SecondFactor.objects.get(user=user)
    step = max(totp.time_step() - 1, (factor.last_step or 0) + 1)
    assert step <= totp.time_step() + 1
    return totp.hotp(key, step)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def codes_on(page) -> list[str]:
    return re.findall(r"<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})</code></li>", page.content.decode())


def enrol_at_login(client: Client, user: User) -> tuple[bytes, list[str]]:
    """Password, then the enrolment that the required mode imposes; the key and the recovery codes."""
    assert password_step(client, user.email)["Location"] == ENROL
    key = secret_on(client.get(ENROL))
    done = client.post(ENROL, {"code": totp.totp(key)})
    assert done.status_code == 200, page_text(done)
    return key, codes_on(done)


def enrolled(user: User) -> tuple[bytes, list[str]]:
    """She turns it on from her menu (the way anyone may); the key and the recovery codes."""
    client = Client()
    client.force_login(user)
    key = secret_on(client.get(ACCOUNT_ENROL))
    done = client.post(ACCOUNT_ENROL, {"code": totp.totp(key)})
    assert done.status_code == 200, page_text(done)
    return key, codes_on(done)


class TestWhoMustUseIt:
    def test_production_requires_it_of_everyone_and_the_demo_of_nobody(self, tmp_path):
        script_env = {"SECRET_KEY": "x" * 50}
        assert _mode(tmp_path, **script_env) == "everyone"
        assert _mode(tmp_path, DEBUG="true") == "nobody"
        assert _mode(tmp_path, DEBUG="true", MSEM_TWO_FACTOR_REQUIRED="Managers") == "managers"
        refused = read_settings(tmp_path, DEBUG="true", MSEM_TWO_FACTOR_REQUIRED="some", expect_failure="1")
        assert "MSEM_TWO_FACTOR_REQUIRED must be everyone, managers or nobody" in refused["stderr"]

    def test_with_everyone_a_secretary_sets_it_up_before_reaching_anything(self, secretary, school, required):
        required("everyone")
        client = Client()
        response = password_step(client, secretary.email, next_url=f"/backoffice/{school.slug}/settings/")

        assert response["Location"] == ENROL
        assert not logged_in(client)
        inbox = client.get(reverse("backoffice:inquiries", kwargs={"school_slug": school.slug}))
        assert inbox["Location"].startswith(LOGIN)
        page = client.get(ENROL)
        assert "Configurer la validation en deux étapes" in page_text(page)
        svg = re.search(r"<svg .*?</svg>", page.content.decode(), re.DOTALL).group(0)
        # The strict CSP refuses inline styles: the QR code has none, nor any script.
        assert "style" not in svg
        assert "<script" not in svg
        assert 'inputmode="numeric"' in page.content.decode()
        assert 'autocomplete="one-time-code"' in page.content.decode()
        key = secret_on(page)
        assert "otpauth://totp/Msem:secretaire@valneige.test?secret=" + totp.secret_text(key) in page.content.decode()

        done = client.post(ENROL, {"code": totp.totp(key)})

        assert done.status_code == 200
        assert logged_in(client)
        codes = codes_on(done)
        assert len(codes) == len(set(codes)) == 10
        assert "Conservez ces codes de secours" in page_text(done)
        assert f'href="/backoffice/{school.slug}/settings/"' in done.content.decode()
        assert SecondFactor.objects.get(user=secretary).confirmed_at is not None

    def test_with_managers_a_manager_and_an_administrator_must_and_a_secretary_need_not(
        self, manager, secretary, required
    ):
        required("managers")
        administrator = User.objects.create_user(email="ops@msem.test", password=PASSWORD, is_staff=True)

        assert password_step(Client(), manager.email)["Location"] == ENROL
        assert password_step(Client(), administrator.email)["Location"] == ENROL
        client = Client()
        assert password_step(client, secretary.email)["Location"] == "/backoffice/"
        assert logged_in(client)

    def test_set_up_meanwhile_elsewhere_the_set_up_step_sends_back_to_the_login(self, secretary, required):
        required("everyone")
        client = Client()
        password_step(client, secretary.email)
        enrolled(secretary)

        assert client.get(ENROL)["Location"] == LOGIN
        assert password_step(client, secretary.email)["Location"] == VERIFY

    def test_a_secretary_who_is_manager_of_another_school_must(self, secretary, other_school, required):
        required("managers")
        MembershipFactory(school=other_school, user=secretary, role=Role.MANAGER)
        assert password_step(Client(), secretary.email)["Location"] == ENROL

    def test_with_nobody_whoever_turned_it_on_is_still_asked_for_the_code(self, secretary, required):
        required("nobody")
        enrolled(secretary)
        client = Client()
        assert password_step(client, secretary.email)["Location"] == VERIFY
        assert not logged_in(client)

    def test_the_enrolment_code_must_be_right_and_bad_input_stores_nothing(self, secretary, required, security_log):
        required("everyone")
        client = Client()
        password_step(client, secretary.email)
        key = secret_on(client.get(ENROL))

        for typed in ("", "12a456", "1234567"):
            response = client.post(ENROL, {"code": typed})
            assert response.status_code == 400
            assert not logged_in(client)
        assert "Tapez les 6 chiffres affichés par votre application." in page_text(response)
        assert LoginFailure.objects.count() == 0
        wrong = str((int(totp.totp(key)) + 1) % 1_000_000).zfill(6)
        response = client.post(ENROL, {"code": wrong})
        assert response.status_code == 400
        assert "Ce code est faux, ou il a déjà servi." in page_text(response)
        assert LoginFailure.objects.count() == 1
        assert not logged_in(client)
        assert SecondFactor.objects.get(user=secretary).confirmed_at is None
        assert RecoveryCode.objects.count() == 0
        assert secret_on(client.get(ENROL)) == key  # the same key while she enrols
        assert security_log.events("two_factor.failed")[0]["user_id"] == secretary.pk


class TestLoginWithACode:
    def test_the_right_code_logs_her_in_with_a_new_session(self, manager, school, security_log):
        key, _codes = enrolled(manager)
        client = Client()
        response = password_step(client, manager.email, next_url=f"/backoffice/{school.slug}/settings/")
        assert response["Location"] == VERIFY
        pending_key = client.session.session_key
        page = client.get(VERIFY)
        assert "Validation en deux étapes" in page_text(page)
        assert 'autocomplete="one-time-code"' in page.content.decode()

        response = client.post(VERIFY, {"code": next_code(manager, key)})

        assert response["Location"] == f"/backoffice/{school.slug}/settings/"
        assert logged_in(client)
        assert client.session.session_key != pending_key
        assert PENDING not in client.session
        assert security_log.events("login.succeeded")[-1]["method"] == "password+totp"
        assert security_log.events("two_factor.succeeded")[0]["method"] == "totp"

    def test_a_wrong_code_is_refused_counted_and_on_record(self, manager, security_log):
        key, _codes = enrolled(manager)
        client = Client()
        password_step(client, manager.email)
        right = next_code(manager, key)
        wrong = str((int(right) + 1) % 1_000_000).zfill(6)

        response = client.post(VERIFY, {"code": wrong})

        assert response.status_code == 400
        assert "Ce code est faux, ou il a déjà servi." in page_text(response)
        assert not logged_in(client)
        assert LoginFailure.objects.filter(email=manager.email).count() == 1
        [line] = security_log.events("two_factor.failed")
        assert line["user_id"] == manager.pk
        assert line["level"] == "WARNING"
        assert right not in "".join(security_log)
        assert wrong not in "".join(security_log)

    def test_a_code_works_once(self, manager):
        key, _codes = enrolled(manager)
        first, second = Client(), Client()
        password_step(first, manager.email)
        password_step(second, manager.email)
        code = next_code(manager, key)

        assert first.post(VERIFY, {"code": code}).status_code == 302
        replay = second.post(VERIFY, {"code": code})

        assert replay.status_code == 400
        assert not logged_in(second)
        # Nor does an older code, even one she never used.
        older = totp.hotp(key, SecondFactor.objects.get(user=manager).last_step - 1)
        assert second.post(VERIFY, {"code": older}).status_code == 400

    def test_a_recovery_code_works_once(self, manager, security_log):
        _key, codes = enrolled(manager)
        first = Client()
        password_step(first, manager.email)

        typed = codes[3].lower().replace("-", " ")  # as read aloud from paper: case and separators do not matter
        assert first.post(VERIFY, {"code": typed}).status_code == 302
        assert logged_in(first)
        assert security_log.events("login.succeeded")[-1]["method"] == "password+recovery"
        assert security_log.events("two_factor.recovery_code_used")[0]["codes_left"] == 9

        second = Client()
        password_step(second, manager.email)
        assert second.post(VERIFY, {"code": codes[3]}).status_code == 400
        assert not logged_in(second)
        assert second.post(VERIFY, {"code": codes[4]}).status_code == 302

    @pytest.mark.production_hashing
    def test_recovery_codes_are_stored_hashed_and_the_secret_sealed(self, manager):
        key, codes = enrolled(manager)
        hashes = list(RecoveryCode.objects.filter(user=manager).values_list("code_hash", flat=True))
        assert len(hashes) == 10
        # scrypt at Django's cost, whatever PASSWORD_HASHERS says (MD5 in the tests).
        django_cost = (
            ScryptPasswordHasher.work_factor,
            ScryptPasswordHasher.block_size,
            ScryptPasswordHasher.parallelism,
        )
        for code_hash in hashes:
            algorithm, work_factor, _salt, block_size, parallelism, _hash = code_hash.split("$")
            assert algorithm == "scrypt"
            assert (int(work_factor), int(block_size), int(parallelism)) == django_cost
        assert django_cost[0] >= 2**14
        stored = json.dumps(hashes)
        assert not any(code.replace("-", "") in stored or code in stored for code in codes)
        sealed = SecondFactor.objects.get(user=manager).sealed_secret
        assert totp.secret_text(key) not in sealed
        assert key not in base64.urlsafe_b64decode(sealed)

    def test_after_five_wrong_codes_even_the_right_one_is_refused(self, manager, security_log):
        key, _codes = enrolled(manager)
        client = Client()
        password_step(client, manager.email)
        for _ in range(django_settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            client.post(VERIFY, {"code": "000000"})

        response = client.post(VERIFY, {"code": next_code(manager, key)})

        assert response.status_code == 429
        assert "Trop de tentatives échouées. Réessayez dans 15 minutes." in page_text(response)
        assert not logged_in(client)
        assert security_log.events("two_factor.throttled")
        # The password form is closed to her address too.
        assert password_step(Client(), manager.email).status_code == 429

    def test_the_right_password_does_not_buy_more_guesses_at_the_code(self, manager):
        key, _codes = enrolled(manager)
        client = Client()
        limit = django_settings.MSEM_LOGIN_FAILURES_PER_ADDRESS
        password_step(client, manager.email)
        for _ in range(limit - 1):
            client.post(VERIFY, {"code": "000000"})
        # She (or whoever has the password) types it again: the count goes on.
        assert password_step(client, manager.email)["Location"] == VERIFY
        client.post(VERIFY, {"code": "000000"})

        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 429

    def test_a_complete_login_clears_the_failures(self, manager):
        key, _codes = enrolled(manager)
        client = Client()
        password_step(client, manager.email)
        client.post(VERIFY, {"code": "000000"})
        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 302
        assert LoginFailure.objects.filter(email=manager.email).count() == 0

    def test_bad_input_gets_a_translated_error_and_changes_nothing(self, manager):
        enrolled(manager)
        before = SecondFactor.objects.get(user=manager).last_step
        client = Client()
        password_step(client, manager.email)

        for typed in ("12345", "abcdef", "0ABCD-EFGH", "١٢٣٤٥٦", "x" * 40):
            response = client.post(VERIFY, {"code": typed})
            assert response.status_code == 400
            assert "Tapez les 6 chiffres affichés par votre application, ou un code de secours" in page_text(
                response
            ) or "Assurez-vous que cette valeur comporte au plus 32 caractères" in page_text(response)
        empty = client.post(VERIFY, {"code": ""})
        assert empty.status_code == 400
        assert "Ce champ est obligatoire." in page_text(empty)
        assert LoginFailure.objects.count() == 0
        assert SecondFactor.objects.get(user=manager).last_step == before
        assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0
        assert not logged_in(client)

    def test_the_code_step_expires_after_five_minutes(self, manager, security_log):
        key, _codes = enrolled(manager)
        client = Client()
        password_step(client, manager.email)
        session = client.session
        session[PENDING] = {**session[PENDING], "since": int(time.time()) - 5 * 60 - 1}
        session.save()

        response = client.post(VERIFY, {"code": next_code(manager, key)})

        assert response["Location"] == LOGIN
        assert not logged_in(client)
        assert "Trop de temps s’est écoulé depuis votre mot de passe" in page_text(client.get(LOGIN))
        assert security_log.events("two_factor.pending_expired")[0]["user_id"] == manager.pk
        assert client.get(VERIFY)["Location"] == LOGIN  # and it stays gone

    def test_without_the_password_step_there_is_no_code_step(self, manager):
        key, _codes = enrolled(manager)
        client = Client()
        assert client.get(VERIFY)["Location"] == LOGIN
        assert client.post(VERIFY, {"code": next_code(manager, key)})["Location"] == LOGIN
        assert client.get(ENROL)["Location"] == LOGIN
        assert not logged_in(client)

    def test_a_password_changed_meanwhile_ends_the_code_step(self, manager):
        key, _codes = enrolled(manager)
        client = Client()
        password_step(client, manager.email)
        manager.set_password("another long password for this test")
        manager.save()

        assert client.post(VERIFY, {"code": next_code(manager, key)})["Location"] == LOGIN
        assert not logged_in(client)


class TestSecretKeyRotation:
    def test_after_a_rotation_her_next_code_reseals_the_secret_under_the_new_key(self, manager, settings, clock):
        key, _codes = enrolled(manager)
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "the-new-secret-key-of-this-test-0123456789-abcdefghijklmnop"
        client = Client()
        password_step(client, manager.email)
        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 302

        settings.SECRET_KEY_FALLBACKS = []
        clock(60)  # her next login, a minute later
        later = Client()
        password_step(later, manager.email)
        assert later.post(VERIFY, {"code": next_code(manager, key)}).status_code == 302

    def test_seal_secrets_again_lets_the_old_key_go_before_she_logs_in(self, manager, settings):
        key, _codes = enrolled(manager)
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "the-new-secret-key-of-this-test-0123456789-abcdefghijklmnop"

        call_command("seal_secrets_again", stdout=io.StringIO())

        settings.SECRET_KEY_FALLBACKS = []
        client = Client()
        password_step(client, manager.email)
        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 302

    def test_a_secret_sealed_under_a_key_now_gone_leaves_the_recovery_codes(self, manager, settings, security_log):
        key, codes = enrolled(manager)
        settings.SECRET_KEY = "the-new-secret-key-of-this-test-0123456789-abcdefghijklmnop"
        client = Client()
        password_step(client, manager.email)

        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 400
        assert security_log.events("two_factor.secret_unreadable")[0]["level"] == "ERROR"
        assert client.post(VERIFY, {"code": codes[0]}).status_code == 302


class TestPasswordResetDoesNotBypassIt:
    def test_after_a_reset_the_new_password_still_needs_the_code(self, manager, required):
        required("managers")
        key, _codes = enrolled(manager)
        link = reverse(
            "backoffice:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(manager.pk)),
                "token": default_token_generator.make_token(manager),
            },
        )
        new = "les enfants prennent leur cours tous les matins de la semaine, 9h !"
        client = Client()
        form = client.get(link)["Location"]
        assert client.post(form, {"new_password1": new, "new_password2": new})["Location"] == LOGIN
        assert not logged_in(client)

        assert password_step(client, manager.email, new)["Location"] == VERIFY
        assert not logged_in(client)
        assert client.post(VERIFY, {"code": next_code(manager, key)}).status_code == 302


class TestHerPage:
    def test_anyone_may_turn_it_on_from_her_menu(self, secretary, school, required):
        required("nobody")
        client = Client()
        client.force_login(secretary)
        menu = client.get(reverse("backoffice:inquiries", kwargs={"school_slug": school.slug}))
        assert f'href="{ACCOUNT}"' in menu.content.decode()
        assert "Désactivée" in page_text(client.get(ACCOUNT))

        key = secret_on(client.get(ACCOUNT_ENROL))
        bad = client.post(ACCOUNT_ENROL, {"code": "abc"})
        assert bad.status_code == 400
        assert "Tapez les 6 chiffres affichés par votre application." in page_text(bad)
        assert not SecondFactor.objects.filter(user=secretary, confirmed_at__isnull=False).exists()
        done = client.post(ACCOUNT_ENROL, {"code": totp.totp(key)})

        assert len(codes_on(done)) == 10
        status = client.get(ACCOUNT)
        assert "Activée" in page_text(status)
        assert "10 codes de secours sur 10 restants." in page_text(status)
        assert totp.secret_grouped(key) not in status.content.decode()
        # Never shown again: the enrolment page now sends back to the status.
        assert client.get(ACCOUNT_ENROL)["Location"] == ACCOUNT

    def test_new_recovery_codes_after_a_current_code_and_the_old_ones_die(self, secretary, security_log):
        key, old_codes = enrolled(secretary)
        client = Client()
        client.force_login(secretary)

        refused = client.post(NEW_CODES, {"code": "000000"})
        assert refused.status_code == 400
        assert "Ce code est faux, ou il a déjà servi." in page_text(refused)
        bad = client.post(NEW_CODES, {"code": "nope"})
        assert bad.status_code == 400
        assert set(RecoveryCode.objects.filter(user=secretary).values_list("code_hash", flat=True))  # unchanged below
        before = set(RecoveryCode.objects.filter(user=secretary).values_list("code_hash", flat=True))
        response = client.post(NEW_CODES, {"code": next_code(secretary, key)})

        new_codes = codes_on(response)
        assert len(new_codes) == 10
        assert not set(new_codes) & set(old_codes)
        assert before.isdisjoint(RecoveryCode.objects.filter(user=secretary).values_list("code_hash", flat=True))
        login = Client()
        password_step(login, secretary.email)
        assert login.post(VERIFY, {"code": old_codes[0]}).status_code == 400
        assert login.post(VERIFY, {"code": new_codes[0]}).status_code == 302
        assert security_log.events("two_factor.recovery_codes_regenerated")[0]["user_id"] == secretary.pk

    def test_she_turns_it_off_with_a_current_code_when_it_is_not_required(self, secretary, required, security_log):
        required("managers")
        key, _codes = enrolled(secretary)
        client = Client()
        client.force_login(secretary)

        assert client.post(TURN_OFF, {"code": "000000"}).status_code == 400
        bad = client.post(TURN_OFF, {"code": "off please"})
        assert bad.status_code == 400
        assert "Tapez les 6 chiffres affichés par votre application, ou un code de secours" in page_text(bad)
        assert SecondFactor.objects.filter(user=secretary).exists()
        response = client.post(TURN_OFF, {"code": next_code(secretary, key)}, follow=True)

        assert "La validation en deux étapes est désactivée." in page_text(response)
        assert not SecondFactor.objects.filter(user=secretary).exists()
        assert not RecoveryCode.objects.filter(user=secretary).exists()
        assert security_log.events("two_factor.disabled")[0]["user_id"] == secretary.pk
        login = Client()
        assert password_step(login, secretary.email)["Location"] == "/backoffice/"

    def test_she_cannot_turn_it_off_when_it_is_required(self, manager, required, security_log):
        required("managers")
        key, _codes = enrolled(manager)
        client = Client()
        client.force_login(manager)
        assert "Désactiver la validation en deux étapes" not in page_text(client.get(ACCOUNT))

        response = client.post(TURN_OFF, {"code": next_code(manager, key)}, follow=True)

        assert "elle ne peut pas être désactivée" in page_text(response)
        assert SecondFactor.objects.filter(user=manager, confirmed_at__isnull=False).exists()
        assert security_log.events("two_factor.disable_refused")


class TestAdministratorReset:
    def test_an_administrator_resets_a_lost_phone_and_it_is_on_record(self, manager, required, security_log):
        required("everyone")
        enrolled(manager)
        administrator = User.objects.create_superuser(email="ops@msem.test", password="x", full_name="Ops")
        admin_client = Client()
        admin_client.force_login(administrator)

        response = admin_client.post(
            "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [manager.pk]}, follow=True
        )

        assert response.status_code == 200
        assert not SecondFactor.objects.filter(user=manager).exists()
        assert not RecoveryCode.objects.filter(user=manager).exists()
        [line] = security_log.events("two_factor.reset")
        assert line["target_user_id"] == manager.pk
        assert line["user_id"] == administrator.pk
        assert line["level"] == "WARNING"
        # Her next login asks her to set it up again (it is required of her).
        assert password_step(Client(), manager.email)["Location"] == ENROL


def _mode(tmp_path, **env: str) -> str:
    from tests.platform import test_settings_module  # noqa: PLC0415

    script = "import django; from django.conf import settings; print(settings.MSEM_TWO_FACTOR_REQUIRED)"
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MSEM_VAR_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=test_settings_module.ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()
