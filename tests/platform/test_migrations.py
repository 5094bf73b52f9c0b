from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_system_checks_pass_against_the_database():
    """Constraints the database cannot enforce would be dropped silently: the check says so."""
    call_command("check", "--database", "default", "--fail-level", "WARNING")
