"""The demo school that `make run` creates, so a fresh checkout has something to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from msem.accounts.models import Role, User
from msem.accounts.services import membership_grant
from msem.catalog.services import catalogs_sync
from msem.commercial_settings.services import school_create
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create
from msem.inquiries.selectors import categories_live, subjects_live
from msem.inquiries.services import CategoryLine, SubjectLine, categories_sync, subjects_sync
from msem.schools.models import School

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo"
DEMO_LOGINS = (
    ("manager@demo.test", "Hélène Favre", Role.MANAGER),
    ("secretaire@demo.test", "Julie Perrin", Role.SECRETARY),
)


@dataclass(frozen=True)
class DemoSchool:
    school: School
    created: bool


@transaction.atomic
def demo_school_ensure() -> DemoSchool:
    """Create the demo school and its two logins if they are missing; leave them alone otherwise."""
    school = School.objects.filter(slug=DEMO_SLUG).first()
    created = school is None
    if school is None:
        school = school_create(
            name="ESF Val Neige",
            slug=DEMO_SLUG,
            main_email="info@esf-valneige.demo.test",
            website_origins="http://127.0.0.1:8000\nhttp://localhost:8000",
        )
        default_subject = subjects_live(school=school).get()
        subjects_sync(
            school=school,
            lines=[
                SubjectLine(default_subject.pk, "Demande d'informations", "Request for information", school.main_email),
                SubjectLine(None, "Cours collectifs", "Group lessons", "collectifs@esf-valneige.demo.test"),
                SubjectLine(None, "Cours particuliers", "Private lessons", "prives@esf-valneige.demo.test"),
                SubjectLine(
                    None, "Groupes, clubs et scolaires", "Groups, clubs and schools", "groupes@esf-valneige.demo.test"
                ),
            ],
        )
        categories_sync(
            school=school,
            lines=[
                CategoryLine(None, "village", "Station village (1400)", "Village resort (1400)"),
                CategoryLine(None, "altitude", "Station altitude (1850)", "High resort (1850)"),
                CategoryLine(None, "je-ne-sais-pas", "Je ne sais pas", "I don't know yet"),
            ],
        )
        catalogs_sync(school=school, codes=["CE-ALPES", "TO-NEIGE-2026"])
    for email, full_name, role in DEMO_LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
        membership_grant(school=school, user=user, role=role)
    if created:
        _demo_inquiries(school)
    return DemoSchool(school=school, created=created)


def _demo_inquiries(school: School) -> None:
    """Three weeks of requests, as the inbox looks in early December."""
    staff = [user for user in User.objects.filter(email__in=[email for email, _n, _r in DEMO_LOGINS])]
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=staff
    )
    end = timezone.now()
    generated = list(generate_inquiries(school, choices, count=45, start=end - timedelta(days=21), end=end, seed=7))
    inquiries_bulk_create(school, generated)
