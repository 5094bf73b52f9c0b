"""The demo's sales as the worker reported them to 4807: each push sent, its attempt, ledger entry and event.

The demo runs in embedded mode (no MSEM_4807_URL): there, the worker's
EmbeddedGateway writes each sale into the school's local ledger
(LedgerEntry, exported as CSV on the Ventes 4807 page to be entered into
4807 by hand) and the ledger number becomes the push's remote id. The seed
writes those rows as that run would have left them, a few seconds after
each payment: the push sent in one attempt, the ledger entry recorded then.
It never calls a gateway: the demo's sales are recorded in the embedded
ledger even where MSEM_4807_URL is set, so that seeding a demo sends
nothing to a real 4807.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from msem.connector4807.gateway import LEDGER_SERIES, ledger_number
from msem.connector4807.models import LedgerEntry, SalePush, SalePushAttempt
from msem.connector4807.pushing import SALE_PUSHES, push_idempotency_key, sale_payload
from msem.inquiries.models import InquiryEvent
from msem.sales.models import Sale
from msem.schools.models import DocumentCounter, School

BATCH = 1000


@transaction.atomic
def sale_reports_bulk_create(school: School, *, seed: int = 7) -> int:
    """Report the school's sales that have no push yet; returns how many."""
    rng = random.Random(f"sale-reports-{seed}-{school.slug}")
    unreported = Sale.objects.for_school(school).filter(push__isnull=True).select_related("quote", "inquiry")
    sales = list(unreported.order_by("created_at", "id"))
    if not sales:
        return 0
    worker = f"{SALE_PUSHES.name}-{rng.getrandbits(48):012x}"
    # Queued with the sale, taken by the worker woken at once, recorded by the ledger in a moment.
    now = timezone.now()
    recorded: list[datetime] = []
    for sale in sales:
        moment = min(sale.created_at + timedelta(milliseconds=rng.randint(1500, 6000)), now)
        # One worker, one sale after the other: the ledger numbers follow the order of recording.
        recorded.append(max(moment, recorded[-1] + timedelta(milliseconds=5)) if recorded else moment)
    numbers = _ledger_numbers(school, recorded)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                school=school, idempotency_key=push_idempotency_key(sale), number=number, payload=sale_payload(sale)
            )
            for sale, number in zip(sales, numbers, strict=True)
        ],
        batch_size=BATCH,
    )
    pushes = SalePush.objects.bulk_create(
        [
            SalePush(
                school=school,
                sale=sale,
                idempotency_key=push_idempotency_key(sale),
                status=SalePush.Status.SENT,
                attempts=1,
                next_attempt_at=sale.created_at,
                leased_by=worker,
                sent_at=moment,
                remote_id=number,
            )
            for sale, moment, number in zip(sales, recorded, numbers, strict=True)
        ],
        batch_size=BATCH,
    )
    SalePushAttempt.objects.bulk_create(
        [
            SalePushAttempt(
                school=school,
                push=push,
                worker=worker,
                started_at=moment - timedelta(milliseconds=rng.randint(20, 400)),
                finished_at=moment,
                outcome=SalePushAttempt.Outcome.SENT,
            )
            for push, moment in zip(pushes, recorded, strict=True)
        ],
        batch_size=BATCH,
    )
    # Each dossier's timeline says its sale reached 4807, as the worker's run writes it.
    InquiryEvent.objects.bulk_create(
        [
            InquiryEvent(
                school=school,
                inquiry_id=sale.inquiry_id,
                kind=InquiryEvent.Kind.SALE_REPORT,
                created_at=moment,
                data={"quote": sale.quote.number, "outcome": "sent", "remote_id": number},
            )
            for sale, moment, number in zip(sales, recorded, numbers, strict=True)
        ],
        batch_size=BATCH,
    )
    # Queued with their sale and recorded when sent, not when the demo was seeded (both are stamped on insert).
    keys = [push.idempotency_key for push in pushes]
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        SalePush.objects.for_school(school).filter(idempotency_key__in=batch).update(
            created_at=Subquery(Sale.objects.for_school(school).filter(pk=OuterRef("sale_id")).values("created_at")[:1])
        )
        LedgerEntry.objects.for_school(school).filter(idempotency_key__in=batch).update(
            recorded_at=Subquery(
                SalePush.objects.for_school(school)
                .filter(idempotency_key=OuterRef("idempotency_key"))
                .values("sent_at")[:1]
            )
        )
    return len(pushes)


def _ledger_numbers(school: School, recorded: list[datetime]) -> list[str]:
    """LED-<year>-00001 … in the order the sales were recorded, each year after the school's counter."""
    numbers = []
    counters: dict[int, DocumentCounter] = {}
    for moment in recorded:
        year = timezone.localtime(moment).year
        if year not in counters:
            counters[year], _created = DocumentCounter.objects.get_or_create(
                school=school, series=LEDGER_SERIES, year=year
            )
        counter = counters[year]
        counter.last_value += 1
        numbers.append(ledger_number(year=year, number=counter.last_value))
    for counter in counters.values():
        counter.save(update_fields=["last_value"])
    return numbers
