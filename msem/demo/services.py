"""The demo school that `make run` creates, so a fresh checkout has something to show."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from msem.accounts.models import Role, User
from msem.accounts.services import membership_grant
from msem.catalog.importing import catalog_file_read
from msem.catalog.selectors import catalogs_live
from msem.catalog.services import catalog_account_name_set, catalog_import, catalogs_sync
from msem.commercial_settings.services import school_create
from msem.demo.commercial_history import commercial_history_bulk_create
from msem.demo.emails import demo_emails_write
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create
from msem.demo.sale_reports import sale_reports_bulk_create
from msem.demo.settings_history import SAVES_AFTER_THE_REQUESTS, SAVES_THE_EMAILS_CARRY, demo_settings_saves
from msem.demo.timelines import dossier_timelines_bulk_create
from msem.inquiries.intake import IntakeData
from msem.inquiries.models import QuarantinedRequest
from msem.inquiries.quarantine import quarantine_put
from msem.inquiries.selectors import categories_live, subjects_live
from msem.inquiries.services import CategoryLine, SubjectLine, categories_sync, subjects_sync
from msem.schools.models import School

DEMO_SLUG = "demo"
# Requests since 1 September: a busy school of the Alps gets several a day before the winter.
DEMO_REQUESTS = 420
DEMO_PASSWORD = "demo"
DEMO_LOGINS = (
    ("manager@demo.test", "Hélène Favre", Role.MANAGER),
    ("secretaire@demo.test", "Julie Perrin", Role.SECRETARY),
)
PRICE_LISTS_DIR = Path(__file__).resolve().parent / "price_lists"
# File, 4807 catalog code (None: the public price list), 4807 account name.
DEMO_PRICE_LISTS = (
    ("tarif-public.csv", None, ""),
    ("ce-alpes.csv", "CE-ALPES", "Comité d’entreprise Alpes Industrie"),
    ("to-neige-2026.json", "TO-NEIGE-2026", "Neige & Soleil Voyages"),
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
                SubjectLine(default_subject.pk, "Demande d’informations", "Request for information", school.main_email),
                SubjectLine(None, "Cours collectifs", "Group lessons", "collectifs@esf-valneige.demo.test"),
                # Routed to their own address later, by the manager (msem/demo/settings_history.py).
                SubjectLine(None, "Cours particuliers", "Private lessons", school.main_email),
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
        catalogs_sync(school=school, codes=[code for _file, code, _name in DEMO_PRICE_LISTS if code])
        _demo_price_lists(school)
    for email, full_name, role in DEMO_LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
        membership_grant(school=school, user=user, role=role)
    if created:
        # The manager's last saves of the settings page: its history of changes has something to show.
        manager, now = User.objects.get(email=DEMO_LOGINS[0][0]), timezone.now()
        demo_settings_saves(school, manager=manager, now=now, saves=SAVES_THE_EMAILS_CARRY)
        _demo_inquiries(school)
        demo_settings_saves(school, manager=manager, now=now, saves=SAVES_AFTER_THE_REQUESTS)
    return DemoSchool(school=school, created=created)


def _demo_inquiries(school: School) -> None:
    """The season so far: requests since September, the older ones answered, quoted and some paid.

    The inbox shows the last days' requests still to process; the dashboard
    has a season to tell.
    """
    staff = [user for user in User.objects.filter(email__in=[email for email, _n, _r in DEMO_LOGINS])]
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=staff
    )
    end = timezone.now()
    season_year = end.year if end.month >= 9 else end.year - 1
    start = end.replace(year=season_year, month=9, day=1, hour=8, minute=0)
    generated = list(generate_inquiries(school, choices, count=DEMO_REQUESTS, start=start, end=end, seed=7))
    inquiries_bulk_create(school, generated)
    commercial_history_bulk_create(school, staff=staff, received_before=end - timedelta(days=3), seed=7)
    # Each sale as the worker reported it to 4807: in the embedded ledger, never to a real gateway.
    sale_reports_bulk_create(school, seed=7)
    # Who took each dossier and when its status changed: a dossier "in progress" shows it in its timeline.
    dossier_timelines_bulk_create(school, staff=staff, seed=7)
    # The e-mails as the app composes and delivers them: a visitor opens them.
    demo_emails_write(school, seed=7)
    _demo_quarantine(school, choices)
    # They answered the season's requests: the Team page says when they last came, not "Never".
    User.objects.filter(pk__in=[user.pk for user in staff], last_login__isnull=True).update(
        last_login=end - timedelta(hours=1)
    )


def _demo_quarantine(school: School, choices: SchoolChoices) -> None:
    """Two requests held aside as a robot's: one is (links in a made-up message), one is a family's.

    The family's browser filled the form by itself, faster than anyone types: the secretary lets it in.
    A visitor who opens "Indésirables" sees both cases rather than an empty page.
    """
    information, *_others, groups = choices.subjects
    held = [
        (
            IntakeData(
                language="en",
                subject=information,
                category=None,
                first_name="Best",
                last_name="Offers",
                email="promo@cheap-links.example.com",
                phone="",
                message="Great deals www.cheap-links.example.com http://example.com/a http://example.com/b",
                arrival_date=None,
                departure_date=None,
                participants=None,
            ),
            QuarantinedRequest.Reason.LINKS,
        ),
        (
            IntakeData(
                language="fr",
                subject=groups,
                category=choices.categories[0] if choices.categories else None,
                first_name="Marie",
                last_name="Lefèvre",
                email="marie.lefevre@example.fr",
                phone="+33 6 12 34 56 78",
                message="Bonjour, nous venons à 12 (club de ski d’Annecy) pendant les vacances de février. "
                "Est-il possible d’avoir des cours le matin pour les enfants ?",
                arrival_date=None,
                departure_date=None,
                participants=12,
            ),
            QuarantinedRequest.Reason.TOO_FAST,
        ),
    ]
    for data, reason in held:
        quarantine_put(school=school, data=data, reason=reason)


def demo_season(today: date) -> tuple[date, date]:
    """1 December to mid-April of the winter being sold: once a season is over, the next one."""
    start_year = today.year if today > date(today.year, 4, 15) else today.year - 1
    return date(start_year, 12, 1), date(start_year + 1, 4, 15)


def _demo_price_lists(school: School) -> None:
    """The public price list and two 4807 catalogs, imported from the files a school would upload."""
    valid_from, valid_until = demo_season(timezone.localdate())
    season = {"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()}
    catalogs = {catalog.code: catalog for catalog in catalogs_live(school=school)}
    for file_name, code, account_name in DEMO_PRICE_LISTS:
        if code:
            catalog_account_name_set(school=school, code=code, account_name=account_name)
        # The files are written for one winter; the demo always shows the one being sold.
        rows = [
            replace(row, values={**row.values, **season})
            for row in catalog_file_read(content=(PRICE_LISTS_DIR / file_name).read_bytes())
        ]
        catalog_import(school=school, catalog=catalogs[code] if code else None, rows=rows)
