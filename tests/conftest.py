from __future__ import annotations

import pytest
from django.contrib.auth.hashers import ScryptPasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation

from msem.accounts import two_factor
from msem.accounts.models import Role, User
from msem.public_site.form_page import form_pages_forget
from msem.schools.models import School
from tests import tenant_guard
from tests.factories import MembershipFactory, SchoolFactory
from tests.mailing.smtp_server import SmtpServer


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files(django_test_environment):
    """The suite runs the production settings: static files are served from the manifest."""
    call_command("collectstatic", "--no-input", verbosity=0)


@pytest.fixture(autouse=True)
def _blank_forms_drawn_afresh():
    # A blank form is kept per process under a key of what it shows; tests reuse ids and
    # names, and a page drawn under one test's static files storage 404s its assets in another.
    form_pages_forget()


@pytest.fixture(autouse=True)
def _default_language_active(settings):
    """Each test starts in the default language, whatever the one before did.

    A request through the test client runs in the test's thread, and the
    language middleware leaves its language active there (a server's next
    request sets its own): an English page would otherwise turn the next
    test's messages English, depending on the order tests run in.
    """
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _CheapScrypt(ScryptPasswordHasher):
    work_factor = 2**8


@pytest.fixture(autouse=True)
def _fast_recovery_code_hashing(request, monkeypatch):
    """Recovery codes are hashed with scrypt at Django's cost: 0.3 s each, ten at each enrolment.

    The tests hash them with scrypt at a cost 64 times lower, as they hash
    passwords with MD5; a test marked `production_hashing` keeps the real cost.
    """
    if request.node.get_closest_marker("production_hashing") is None:
        monkeypatch.setattr(two_factor, "_hasher", _CheapScrypt())


@pytest.fixture(autouse=True)
def _no_breached_password_service(settings):
    """No test reaches Have I Been Pwned; tests/accounts/test_pwned_passwords.py points it at a local server."""
    settings.MSEM_PWNED_PASSWORDS_URL = ""


@pytest.fixture
def school(db) -> School:
    return SchoolFactory(name="ESF Val Neige", slug="valneige", main_email="info@valneige.test")


@pytest.fixture
def other_school(db) -> School:
    return SchoolFactory(name="ESF Autre Station", slug="autre", main_email="info@autre.test")


@pytest.fixture
def manager(school) -> User:
    return MembershipFactory(school=school, role=Role.MANAGER, user__email="manager@valneige.test").user


@pytest.fixture
def secretary(school) -> User:
    return MembershipFactory(school=school, role=Role.SECRETARY, user__email="secretaire@valneige.test").user


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def secretary_client(secretary) -> Client:
    client = Client()
    client.force_login(secretary)
    return client


@pytest.fixture
def other_manager(other_school) -> User:
    return MembershipFactory(school=other_school, role=Role.MANAGER, user__email="manager@autre.test").user


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the settings that send to it."""
    server = SmtpServer().start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _every_request_names_its_school(request):
    """The tenant guard (tests/tenant_guard.py) on every request the test client makes."""
    if "live_server" in request.fixturenames or not ({"db", "transactional_db"} & set(request.fixturenames)):
        yield
        return
    tenant_guard.connect_signals()
    found: list[str] = []
    with connection.execute_wrapper(tenant_guard.guard(tenant_guard.school_tables(), found)):
        yield
    assert not found, "queries of school data without their school:\n" + "\n".join(found)
