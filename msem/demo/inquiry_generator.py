"""Realistic requests in bulk: for the demo school, and for benchmarks with millions of dossiers.

The distributions follow a French ski school's year: requests peak from
October to early January and before the February holidays; most come in
French, a large share in English; old dossiers are won, lost or archived.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from msem.accounts.models import User
from msem.demo.client_messages import ClientMessage, flat_texts, messages_for
from msem.inquiries.models import Category, Inquiry, InquiryEvent, Subject
from msem.inquiries.reception import REFERENCE_SERIES, inquiry_reference
from msem.inquiries.search import search_text_for
from msem.schools.models import DocumentCounter, School

FIRST_NAMES_FR = [
    "Claire",
    "Julien",
    "Camille",
    "Thomas",
    "Léa",
    "Nicolas",
    "Manon",
    "Hugo",
    "Chloé",
    "Antoine",
    "Sophie",
    "Mathieu",
    "Émilie",
    "Pierre",
    "Hélène",
    "Lucas",
    "Anaïs",
    "Olivier",
    "Margaux",
    "Rémi",
]
FIRST_NAMES_EN = [
    "Emma",
    "James",
    "Olivia",
    "William",
    "Charlotte",
    "Oliver",
    "Amelia",
    "Harry",
    "Sophie",
    "Jack",
    "Isla",
    "George",
    "Grace",
    "Noah",
    "Lucy",
    "Daniel",
    "Hannah",
    "Thomas",
    "Megan",
    "Samuel",
]
LAST_NAMES_FR = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
]
LAST_NAMES_EN = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
]
# Every message, whatever its subject: the SQL generator of the benchmarks (inquiry_sql) draws from these.
MESSAGES_FR = flat_texts("fr")
MESSAGES_EN = flat_texts("en")
# The category of clients who don't know yet where they will stay (DESIGN §3, the users' tip).
LODGING_UNKNOWN = "je-ne-sais-pas"
# Requests per month of the year (1 = January): the season's shape.
MONTH_WEIGHTS = {1: 12, 2: 10, 3: 5, 4: 2, 5: 1, 6: 1, 7: 1, 8: 2, 9: 4, 10: 10, 11: 14, 12: 16}


@dataclass(frozen=True)
class SchoolChoices:
    subjects: Sequence[Subject]
    categories: Sequence[Category]
    staff: Sequence[User]


def _received_at(rng: random.Random, *, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    while True:
        moment = start + timedelta(seconds=rng.random() * span)
        if rng.random() * max(MONTH_WEIGHTS.values()) <= MONTH_WEIGHTS[moment.month]:
            moment = moment.replace(hour=rng.choice([7, 8, 9, 10, 12, 13, 14, 16, 18, 19, 20, 21, 22]))
            if start <= moment <= end:  # the office hours of the last day may lie ahead of `end`
                return moment


def stay_start(rng: random.Random, after: date) -> date:
    """A stay's first day of lessons: in the winter being sold, five days ahead at least.

    Most clients come for the Christmas or the February holidays; a request
    received in October asks for the winter ahead, not for the next weeks.
    """
    year = after.year if after.month >= 5 else after.year - 1
    opening, closing = date(year, 12, 12), date(year + 1, 4, 12)
    earliest = max(after + timedelta(days=5), opening)
    if earliest > closing:  # the season is over: the next one
        return stay_start(rng, date(year + 1, 5, 1))
    christmas = (date(year, 12, 19), date(year + 1, 1, 3))
    february = (date(year + 1, 2, 6), date(year + 1, 3, 7))
    first, last = rng.choices([christmas, february, (opening, closing)], [35, 35, 30])[0]
    first, last = max(first, earliest), min(last, closing)
    if first > last:  # those holidays are past or too close
        first, last = earliest, closing
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _status_and_archive(rng: random.Random, received_at: datetime, now: datetime) -> tuple[str, datetime | None]:
    age = now - received_at
    if age < timedelta(days=2):
        return rng.choices([Inquiry.Status.NEW, Inquiry.Status.IN_PROGRESS], [8, 2])[0], None
    if age < timedelta(days=21):
        status = rng.choices(
            [
                Inquiry.Status.NEW,
                Inquiry.Status.IN_PROGRESS,
                Inquiry.Status.WAITING_FOR_CLIENT,
                Inquiry.Status.WON,
                Inquiry.Status.LOST,
            ],
            [2, 3, 3, 3, 1],
        )[0]
        return status, None
    status = rng.choices([Inquiry.Status.WON, Inquiry.Status.LOST, Inquiry.Status.WAITING_FOR_CLIENT], [6, 3, 1])[0]
    archived = received_at + timedelta(days=rng.randint(10, 60)) if rng.random() < 0.85 else None
    return status, archived if archived and archived < now else None


def _category(rng: random.Random, categories: Sequence[Category], written: ClientMessage) -> Category | None:
    """The client's pick; "Je ne sais pas" when the message says they don't know where they will stay."""
    if not categories:
        return None
    picked = rng.choice(categories)
    if written.lodging_unknown:
        return next((category for category in categories if category.code == LODGING_UNKNOWN), picked)
    return picked


def generate_inquiries(
    school: School, choices: SchoolChoices, *, count: int, start: datetime, end: datetime, seed: int = 42
) -> Iterator[Inquiry]:
    """Unsaved dossiers with realistic contents, received between start and end."""
    rng = random.Random(f"{seed}-{school.slug}")
    now = timezone.now()
    # Each subject's messages, looked up once: benchmarks generate millions of dossiers.
    pools = {
        (subject.pk, language): messages_for(subject, language)
        for subject in choices.subjects
        for language in ("fr", "en")
    }
    for _ in range(count):
        english = rng.random() < 0.3
        first = rng.choice(FIRST_NAMES_EN if english else FIRST_NAMES_FR)
        last = rng.choice(LAST_NAMES_EN if english else LAST_NAMES_FR)
        received_at = _received_at(rng, start=start, end=end)
        status, archived_at = _status_and_archive(rng, received_at, now)
        arrival = stay_start(rng, received_at.date()) if rng.random() < 0.7 else None
        ascii_first = first.lower().translate(str.maketrans("éèëêàâäïîôöüûç", "eeeeaaaiioouuc"))
        subject = rng.choices(choices.subjects, weights=range(len(choices.subjects) + 1, 1, -1))[0]
        written = rng.choice(pools[subject.pk, "en" if english else "fr"])
        inquiry = Inquiry(
            school=school,
            language="en" if english else "fr",
            subject=subject,
            category=_category(rng, choices.categories, written),
            first_name=first,
            last_name=last,
            email=f"{ascii_first}.{last.lower()}{rng.randint(1, 999)}@example.{'co.uk' if english else 'fr'}",
            phone=rng.choice(
                ["", f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"]
            )
            if not english
            else rng.choice(["", "+44 7700 900123"]),
            message=written.text,
            arrival_date=arrival,
            departure_date=arrival + timedelta(days=rng.choice([2, 5, 6, 7])) if arrival else None,
            # The number the message states; one that suits the request when it states none.
            participants=rng.choice(written.participants),
            status=status,
            assignee=rng.choice(choices.staff) if choices.staff and status != Inquiry.Status.NEW else None,
            received_at=received_at,
            archived_at=archived_at,
        )
        yield inquiry


@transaction.atomic
def inquiries_bulk_create(school: School, inquiries: list[Inquiry], *, with_events: bool = True) -> int:
    """Number and store dossiers in bulk, oldest first, as if each had been received in turn."""
    inquiries.sort(key=lambda inquiry: inquiry.received_at)
    by_year: dict[int, list[Inquiry]] = {}
    for inquiry in inquiries:
        by_year.setdefault(timezone.localtime(inquiry.received_at).year, []).append(inquiry)
    for year, batch in by_year.items():
        counter, _created = DocumentCounter.objects.get_or_create(school=school, series=REFERENCE_SERIES, year=year)
        start = counter.last_value
        for offset, inquiry in enumerate(batch, start=1):
            inquiry.reference = inquiry_reference(year=year, number=start + offset)
            inquiry.search_text = search_text_for(inquiry)
        DocumentCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + len(batch))
    created = Inquiry.objects.bulk_create(inquiries, batch_size=1000)
    if with_events:
        InquiryEvent.objects.bulk_create(
            [
                InquiryEvent(
                    school=school,
                    inquiry=inquiry,
                    kind=InquiryEvent.Kind.RECEIVED,
                    created_at=inquiry.received_at,
                    data={"source": "form"},
                )
                for inquiry in created
            ],
            batch_size=1000,
        )
    return len(created)


def season_start(today: date) -> datetime:
    """The first of September before `today`: requests for this winter start arriving then."""
    year = today.year if today.month >= 9 else today.year - 1
    return timezone.make_aware(datetime(year, 9, 1))
