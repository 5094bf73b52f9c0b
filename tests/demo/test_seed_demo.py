from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from msem.accounts.models import Membership, Role, User
from msem.catalog.models import Catalog
from msem.demo.services import DEMO_REQUESTS
from msem.inquiries.models import Category, Inquiry, Subject
from msem.quotes.models import Quote
from msem.sales.models import Sale
from msem.schools.models import School

pytestmark = pytest.mark.django_db


def test_creates_the_demo_school_and_its_two_logins(settings, capsys):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    assert Membership.objects.get(user__email="manager@demo.test", school=school).role == Role.MANAGER
    assert Membership.objects.get(user__email="secretaire@demo.test", school=school).role == Role.SECRETARY
    assert Subject.objects.for_school(school).live().count() >= 3
    assert Category.objects.for_school(school).filter(label_fr="Je ne sais pas").exists()
    assert Catalog.objects.for_school(school).count() == 2
    output = capsys.readouterr().out
    assert "manager@demo.test" in output
    assert "secretaire@demo.test" in output
    assert "password: demo" in output


def test_the_demo_logins_work(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    client = Client()
    response = client.post("/backoffice/login/", {"email": "manager@demo.test", "password": "demo"})
    assert response.status_code == 302
    assert client.get("/backoffice/demo/settings/").status_code == 200


def test_running_it_twice_changes_nothing(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert School.objects.filter(slug="demo").count() == 1
    assert User.objects.count() == 2


def test_production_never_creates_it(settings):
    settings.MSEM_DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not School.objects.exists()


def test_the_demo_has_a_season_to_tell_and_work_still_to_do(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    now = timezone.now()
    inquiries = Inquiry.objects.for_school(school)

    assert inquiries.count() == DEMO_REQUESTS
    assert not inquiries.filter(received_at__gt=now).exists()
    assert inquiries.filter(first_answer_at__isnull=False).count() > DEMO_REQUESTS / 2
    assert Sale.objects.for_school(school).count() >= 10
    # The last days' requests wait for the secretaries, untouched.
    recent = inquiries.filter(received_at__gte=now - timedelta(days=3))
    assert recent.exists()
    assert not Quote.objects.for_school(school).filter(inquiry__in=recent).exists()
    assert not recent.filter(first_answer_at__isnull=False).exists()
