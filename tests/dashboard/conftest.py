from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from msem.accounts.models import Role
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test computes its own figures: nothing cached by a test before (ids are reused on SQLite)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english_manager(school):
    return MembershipFactory(
        school=school, role=Role.MANAGER, user__email="director@valneige.test", user__language="en"
    ).user


@pytest.fixture
def english_client(english_manager) -> Client:
    client = Client()
    client.force_login(english_manager)
    return client
