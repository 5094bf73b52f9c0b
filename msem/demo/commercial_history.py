"""What secretaries did with generated dossiers, in bulk: answers, quotes, sales.

For benchmarks (and demos) of the pages that read a season's activity,
chiefly the dashboard. Rows are bulk-created as the services would have left
them, at the times they would have happened: each dossier gets its
acknowledgement; most get a secretary's reply hours later (nights and
weekends make a long tail); about one in five gets a quote, and half of those
are paid and become a Sale. A quote holds the products its dossier's message
asks for (msem.demo.client_messages) when the price list sells them. A paid
quote went the way the app leads it: accepted by the client, a payment
request e-mailed by the secretary, the payment received (the sandbox
provider's), then the Sale, which names that payment.
"""

from __future__ import annotations

import math
import random
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from msem.accounts.models import User
from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.demo.client_messages import ClientMessage, message_written
from msem.demo.inquiry_generator import stay_start
from msem.demo.office_hours import at_the_office
from msem.inquiries.answers import first_answers_refresh
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.notifications import school_sender
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.payments.services import DEFAULT_LINK_DAYS, payment_request_reference
from msem.quotes.models import Quote, QuoteLine
from msem.quotes.pricing import Totals, line_total, totals
from msem.quotes.services import QUOTE_SERIES, quote_number
from msem.sales.models import Sale
from msem.schools.models import DocumentCounter, School

# (code, kind, French name, English name, pricing unit, unit price)
PRODUCTS = [
    ("COLL-ENF-6AM", Product.Kind.COLLECTIVE, "Cours collectif enfant — 6 matinées", "Kids' group lesson — 6 mornings",
     Product.PricingUnit.PER_PERSON, "189.00"),
    ("COLL-ADU-6PM", Product.Kind.COLLECTIVE, "Cours collectif adulte — 6 après-midis",
     "Adults' group lesson — 6 afternoons", Product.PricingUnit.PER_PERSON, "215.00"),
    ("PART-1H", Product.Kind.PRIVATE, "Cours particulier — 1 h", "Private lesson — 1 h", Product.PricingUnit.PER_HOUR,
     "62.00"),
    ("PART-JOUR", Product.Kind.PRIVATE, "Journée privée", "Private day", Product.PricingUnit.PER_LESSON, "420.00"),
    ("GROUPE-5DJ", Product.Kind.GROUP, "Groupe — 5 demi-journées", "Group — 5 half-days",
     Product.PricingUnit.PER_PERSON, "98.00"),
    ("HORS-PISTE", Product.Kind.OTHER, "Journée hors-piste", "Off-piste day", Product.PricingUnit.PER_LESSON, "480.00"),
]  # fmt: skip
PRICES = {code: Decimal(price) for code, _kind, _fr, _en, _unit, price in PRODUCTS}
CATALOG_DISCOUNTS = {"CE-ALPES": Decimal("0.90"), "TO-NEIGE": Decimal("0.85")}
BATCH = 5000


@dataclass(frozen=True)
class HistoryCounts:
    answered: int = 0
    quoted: int = 0
    paid: int = 0


# A price list: the catalog (None for the public list), and its products with their unit prices.
PriceList = tuple[Catalog | None, list[tuple[Product, Decimal]]]


def _price_lists(school: School) -> list[PriceList]:
    """The school's own price lists when it has them (the demo); made-up ones otherwise (benchmarks)."""
    own: dict[int | None, list[tuple[Product, Decimal]]] = {}
    prices = CatalogPrice.objects.for_school(school).filter(product__active=True).select_related("product", "catalog")
    catalogs = {catalog.pk: catalog for catalog in Catalog.objects.for_school(school).live()}
    for price in prices.order_by("product__code", "-valid_from"):
        if price.catalog_id is None or price.catalog_id in catalogs:
            listed = own.setdefault(price.catalog_id, [])
            if all(product.pk != price.product_id for product, _ in listed):
                listed.append((price.product, price.unit_price))
    if None in own:
        return [(None, own[None])] + [(catalogs[key], listed) for key, listed in own.items() if key is not None]
    return _made_up_price_lists(school)


def _made_up_price_lists(school: School) -> list[PriceList]:
    products = []
    for code, kind, name_fr, name_en, unit, _price in PRODUCTS:
        product, _created = Product.objects.get_or_create(
            school=school,
            code=code,
            defaults={"kind": kind, "name_fr": name_fr, "name_en": name_en, "pricing_unit": unit},
        )
        products.append(product)
    lists: list[PriceList] = [(None, [(product, PRICES[product.code]) for product in products])]
    for code, discount in CATALOG_DISCOUNTS.items():
        catalog = Catalog.objects.for_school(school).live().filter(code=code).first()
        catalog = catalog or Catalog.objects.create(school=school, code=code, account_name=f"Partenaire {code}")
        lists.append(
            (catalog, [(product, (PRICES[product.code] * discount).quantize(Decimal("0.01"))) for product in products])
        )
    return lists


def _answer_delay(rng: random.Random) -> timedelta:
    """Median three hours, a long tail of nights and weekends, a few within minutes."""
    return timedelta(seconds=min(rng.lognormvariate(math.log(3 * 3600), 1.3), 20 * 86400))


def _email(school: School, kind: str, inquiry: Inquiry, moment: datetime, status: str) -> OutgoingEmail:
    return OutgoingEmail(
        school=school,
        kind=kind,
        language=inquiry.language,
        from_email=school_sender(school),
        to_email=inquiry.email,
        subject=f"{inquiry.reference}",
        text_body="…",
        message_id=f"<{secrets.token_hex(12)}@bench.msem.localhost>",
        status=status,
        attempts=1,
        next_attempt_at=moment,
        sent_at=moment if status == OutgoingEmail.Status.SENT else None,
    )


@dataclass
class _Generation:
    """What every dossier of a run draws from."""

    school: School
    staff: Sequence[User]
    rng: random.Random
    price_lists: list[PriceList]
    now: datetime
    answered: float
    quoted: float
    paid: float
    acknowledgements: bool


@transaction.atomic
def commercial_history_bulk_create(
    school: School,
    *,
    staff: Sequence[User],
    answered: float = 0.8,
    quoted: float = 0.2,
    paid: float = 0.5,
    acknowledgements: bool = True,
    seed: int = 42,
    received_before: datetime | None = None,
) -> HistoryCounts:
    """Answers, quotes and sales for the school's dossiers that have none yet.

    `answered` and `quoted` are shares of the dossiers; `paid` is the share of
    the quoted ones that end paid. Dossiers received after `received_before`
    are left as they came in: the work still to do.
    """
    if not staff:
        raise ValueError("the school needs staff to answer")
    run = _Generation(
        school=school,
        staff=staff,
        rng=random.Random(f"history-{seed}-{school.slug}"),
        price_lists=_price_lists(school),
        now=timezone.now(),
        answered=answered,
        quoted=quoted,
        paid=paid,
        acknowledgements=acknowledgements,
    )
    counts = HistoryCounts()
    pending = Inquiry.objects.for_school(school).exclude(pk__in=Quote.objects.for_school(school).values("inquiry_id"))
    pending = pending.exclude(
        pk__in=InquiryEvent.objects.for_school(school).filter(kind=InquiryEvent.Kind.EMAIL).values("inquiry_id")
    )
    if received_before is not None:
        pending = pending.filter(received_at__lt=received_before)
    ids = list(pending.order_by("received_at", "id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(Inquiry.objects.filter(pk__in=ids[start : start + BATCH]).order_by("received_at", "id"))
        counts = _batch(run, batch, counts)
    # Sales and quotes are stamped with the time they were created: set them to when they happened.
    Sale.objects.for_school(school).update(
        created_at=Subquery(Quote.objects.filter(pk=OuterRef("quote_id")).values("paid_at")[:1])
    )
    Quote.objects.for_school(school).filter(sent_at__isnull=False).update(
        created_at=Subquery(Quote.objects.filter(pk=OuterRef("pk")).values("sent_at")[:1])
    )
    # Bulk-created timelines skip what recording each e-mail keeps on the dossier.
    first_answers_refresh(school=school)
    return counts


def _batch(run: _Generation, inquiries: list[Inquiry], counts: HistoryCounts) -> HistoryCounts:
    school, rng = run.school, run.rng
    emails: list[tuple[Inquiry, OutgoingEmail, User | None, datetime]] = []
    quotes: list[_Quoted] = []
    paid_inquiries: list[int] = []
    n_answered = n_quoted = n_paid = 0
    for inquiry in inquiries:
        if run.acknowledgements:
            moment = inquiry.received_at + timedelta(seconds=2)
            emails.append((inquiry, _email(school, "acknowledgement", inquiry, moment, "sent"), None, moment))
        if rng.random() >= run.answered:
            continue
        secretary = rng.choice(run.staff)
        answer_at = at_the_office(inquiry.received_at + _answer_delay(rng), rng)
        if answer_at >= run.now:
            continue
        n_answered += 1
        if rng.random() * run.answered < run.quoted:
            n_quoted += 1
            is_paid = rng.random() < run.paid and answer_at + timedelta(days=2) < run.now
            quoted = _quote(run, inquiry, secretary, answer_at, is_paid=is_paid)
            quotes.append(quoted)
            emails.append((inquiry, _email(school, "quote", inquiry, answer_at, "sent"), secretary, answer_at))
            if (reminded_at := quoted.quote.last_reminded_at) is not None:
                emails.append((inquiry, _email(school, "quote", inquiry, reminded_at, "sent"), secretary, reminded_at))
            if is_paid:
                n_paid += 1
                paid_inquiries.append(inquiry.pk)
                # The payment request's e-mail, queued just after the request (its timeline line comes first).
                assert quoted.payment_requested_at is not None  # a paid quote's
                emailed_at = quoted.payment_requested_at + timedelta(milliseconds=50)
                emails.append(
                    (inquiry, _email(school, "payment_request", inquiry, emailed_at, "sent"), secretary, emailed_at)
                )
        else:
            emails.append((inquiry, _email(school, "reply", inquiry, answer_at, "sent"), secretary, answer_at))
    created = OutgoingEmail.objects.bulk_create([email for _i, email, _a, _m in emails], batch_size=1000)
    # Queued when they were written, not when the history is generated (created_at is stamped on insert).
    ids = [email.pk for email in created]
    for start in range(0, len(ids), 1000):
        OutgoingEmail.objects.filter(pk__in=ids[start : start + 1000]).update(created_at=F("next_attempt_at"))
    InquiryEvent.objects.bulk_create(
        [
            InquiryEvent(
                school=school,
                inquiry=inquiry,
                kind=InquiryEvent.Kind.EMAIL,
                actor=actor,
                created_at=moment,
                email=email,
                data={"email_kind": email.kind},
            )
            for (inquiry, _e, actor, moment), email in zip(emails, created, strict=True)
        ],
        batch_size=1000,
    )
    _store_quotes(school, quotes)
    if paid_inquiries:
        Inquiry.objects.filter(pk__in=paid_inquiries).update(status=Inquiry.Status.PAID)
    return HistoryCounts(counts.answered + n_answered, counts.quoted + n_quoted, counts.paid + n_paid)


@dataclass
class _Quoted:
    """A quote being written, its lines, and (once paid) when the secretary asked for the payment."""

    quote: Quote
    lines: list[QuoteLine]
    payment_requested_at: datetime | None = None


@dataclass(frozen=True)
class _LineAsked:
    product: Product
    unit_price: Decimal
    participants: int | None
    quantity: int


def _quote(run: _Generation, inquiry: Inquiry, secretary: User, sent_at: datetime, *, is_paid: bool) -> _Quoted:
    rng = run.rng
    written = message_written(inquiry.message)
    catalog, listed = _price_list_chosen(run, written)
    sent_on = timezone.localdate(sent_at)
    if inquiry.arrival_date is not None and inquiry.arrival_date > sent_on:
        day = inquiry.arrival_date  # the lessons start when the client arrives
    else:
        day = stay_start(rng, sent_on)
    lines = []
    for position, asked in enumerate(_lines_asked(rng, listed, written)):
        product = asked.product
        lines.append(
            QuoteLine(
                school=run.school,
                product=product,
                catalog=catalog,
                catalog_code=catalog.code if catalog else "",
                product_code=product.code,
                name_fr=product.name_fr,
                name_en=product.name_en,
                pricing_unit=product.pricing_unit,
                unit_price=asked.unit_price,
                start_date=day,
                participants=asked.participants or inquiry.participants or rng.choice([1, 2, 3, 4]),
                quantity=asked.quantity,
                position=position,
            )
        )
    paid_at = None
    if is_paid:
        # Within ten days of the quote, and not in the last hour: the demo's sales are a season's, none "just now".
        earliest, latest = sent_at + timedelta(hours=4), min(sent_at + timedelta(days=10), run.now - timedelta(hours=1))
        paid_at = earliest + (latest - earliest) * rng.random()
    accepted_at = requested_at = None
    if paid_at is not None:
        # The client accepts on the quote's page, the secretary then sends the payment request, the client pays.
        accepted_at = sent_at + (paid_at - sent_at) * rng.uniform(0.1, 0.5)
        requested_at = accepted_at + (paid_at - accepted_at) * rng.uniform(0.1, 0.6)
        # Paid while the link still worked.
        requested_at = max(requested_at, paid_at - timedelta(days=DEFAULT_LINK_DAYS - 1))
        requested_at = at_the_office(requested_at, rng)
        if requested_at >= paid_at:
            # Asked for when the office opened, paid soon after (within the hour before the history's end at most).
            paid_at = min(requested_at + timedelta(minutes=rng.uniform(10, 180)), latest)
            if requested_at >= paid_at:  # the office opens in the history's last hour: asked for the evening before
                requested_at = accepted_at + (paid_at - accepted_at) / 2
    quote = Quote(
        school=run.school,
        inquiry=inquiry,
        status=Quote.Status.PAID if is_paid else Quote.Status.SENT,  # expired below, as the hourly sweep leaves it
        language=inquiry.language,
        valid_until=timezone.localdate(sent_at) + timedelta(days=run.school.quote_validity_days),
        prices_include_vat=run.school.prices_include_vat,
        vat_rate=run.school.vat_rate,
        token=secrets.token_urlsafe(32),
        created_by=secretary,
        sent_at=sent_at,
        accepted_at=accepted_at,
        paid_at=paid_at,
    )
    if not is_paid:
        # Some clients do not answer: a few days later the secretary reminds them, while the quote is valid.
        reminded_at = at_the_office(sent_at + timedelta(days=rng.uniform(3, 6)), rng)
        if (
            rng.random() < 0.4
            and reminded_at < run.now - timedelta(hours=1)
            and (timezone.localdate(reminded_at) <= quote.valid_until)
        ):
            quote.reminders_sent, quote.last_reminded_at = 1, reminded_at
        if quote.valid_until < timezone.localdate(run.now):
            quote.status = Quote.Status.EXPIRED  # quotes_expire_due
    return _Quoted(quote, lines, requested_at)


def _price_list_chosen(run: _Generation, written: ClientMessage | None) -> PriceList:
    """The public price list, or now and then a 4807 catalog that sells what the client asks for."""
    public, *catalogs = run.price_lists
    if not catalogs or run.rng.random() >= 0.25:
        return public
    if written is not None:
        selling = [(catalog, listed) for catalog, listed in catalogs if _sells_all(listed, written)]
        if selling:
            return run.rng.choice(selling)
        if _sells_all(public[1], written):
            return public
    return run.rng.choice(catalogs)


def _sells_all(listed: list[tuple[Product, Decimal]], written: ClientMessage) -> bool:
    codes = {product.code for product, _price in listed}
    return all(asked.code in codes for asked in written.products)


def _lines_asked(
    rng: random.Random, listed: list[tuple[Product, Decimal]], written: ClientMessage | None
) -> list[_LineAsked]:
    """What the message asks for, as the price list sells it; else products of the kind it is about; else any."""
    by_code = {product.code: (product, price) for product, price in listed}
    if written is not None:
        asked = [
            _LineAsked(*by_code[item.code], item.participants, item.quantity)
            for item in written.products
            if item.code in by_code
        ]
        if asked:
            return asked
        of_kind = [(product, price) for product, price in listed if product.kind == written.kind]
        if of_kind:
            product, price = rng.choice(of_kind)
            return [_LineAsked(product, price, None, _hours(rng, product))]
    chosen = rng.sample(listed, min(len(listed), rng.choice([1, 1, 2, 3])))
    return [_LineAsked(product, price, None, _hours(rng, product)) for product, price in chosen]


def _hours(rng: random.Random, product: Product) -> int:
    return rng.choice([1, 1, 2]) if product.pricing_unit == Product.PricingUnit.PER_HOUR else 1


def _store_quotes(school: School, quotes: list[_Quoted]) -> None:
    if not quotes:
        return
    year = timezone.localdate().year
    counter, _created = DocumentCounter.objects.get_or_create(school=school, series=QUOTE_SERIES, year=year)
    for offset, quoted in enumerate(quotes, start=counter.last_value + 1):
        quoted.quote.number = quote_number(year=year, number=offset)
    DocumentCounter.objects.filter(pk=counter.pk).update(last_value=counter.last_value + len(quotes))
    stored = Quote.objects.bulk_create([quoted.quote for quoted in quotes], batch_size=1000)
    all_lines = []
    for quote, quoted in zip(stored, quotes, strict=True):
        for line in quoted.lines:
            line.quote = quote
        all_lines.extend(quoted.lines)
    QuoteLine.objects.bulk_create(all_lines, batch_size=1000)
    paid = [quoted for quoted in quotes if quoted.quote.paid_at is not None]
    payments = _payments_store(school, paid)
    sales = []
    for quoted, payment in zip(paid, payments, strict=True):
        quote, lines = quoted.quote, quoted.lines
        inquiry = quote.inquiry
        sum_ = _totals(quoted)
        sales.append(
            Sale(
                school=school,
                quote=quote,
                inquiry=inquiry,
                catalog=lines[0].catalog,
                catalog_code=lines[0].catalog_code,
                client_name=inquiry.client_name,
                client_email=inquiry.email,
                client_phone=inquiry.phone,
                lines=[_sold_line(line) for line in lines],
                total_excluding_vat=sum_.excluding_vat,
                vat=sum_.vat,
                total=sum_.including_vat,
                # As sale_record lists them: the payments received for the quote.
                payment_references=[
                    {
                        "provider": payment.provider,
                        "reference": payment.provider_reference,
                        "amount": str(payment.amount),
                    }
                ],
            )
        )
    Sale.objects.bulk_create(sales, batch_size=1000)


def _totals(quoted: _Quoted) -> Totals:
    return totals(
        line_totals=[_line_total(line) for line in quoted.lines],
        vat_rate=quoted.quote.vat_rate,
        prices_include_vat=quoted.quote.prices_include_vat,
    )


def _payments_store(school: School, paid: list[_Quoted]) -> list[Payment]:
    """Each paid quote's payment request for the whole amount, and the payment that settled it.

    As payment_request_send and payment_record leave them: the request made by
    the quote's author, paid by the client through the sandbox provider (the
    demo's means of payment) before its link expired.
    """
    requests = []
    for quoted in paid:
        quote = quoted.quote
        assert quoted.payment_requested_at is not None  # a paid quote's
        requests.append(
            PaymentRequest(
                school=school,
                quote=quote,
                reference=payment_request_reference(quote, 1),
                kind=PaymentRequest.Kind.FULL,
                amount=_totals(quoted).including_vat,
                quote_version=quote.version,
                status=PaymentRequest.Status.PAID,
                expires_at=quoted.payment_requested_at + timedelta(days=DEFAULT_LINK_DAYS),
                created_by=quote.created_by,
                paid_at=quote.paid_at,
            )
        )
    stored = PaymentRequest.objects.bulk_create(requests, batch_size=1000)
    # Made when the secretary sent them, not when the history is generated (created_at is stamped on insert).
    PaymentRequest.objects.for_school(school).filter(pk__in=[request.pk for request in stored]).update(
        created_at=F("expires_at") - timedelta(days=DEFAULT_LINK_DAYS)
    )
    return Payment.objects.bulk_create(
        [
            Payment(
                school=school,
                payment_request=request,
                provider=Payment.Provider.SANDBOX,
                provider_reference=f"sandbox-{uuid.uuid4().hex}",  # as the sandbox payment page names it
                amount=request.amount,
                received_at=request.paid_at or request.expires_at,  # paid_at: set above
            )
            for request in stored
        ],
        batch_size=1000,
    )


def _line_total(line: QuoteLine) -> Decimal:
    return line_total(
        unit_price=line.unit_price,
        quantity=line.quantity,
        participants=line.participants,
        per_person=line.pricing_unit == Product.PricingUnit.PER_PERSON,
    )


def _sold_line(line: QuoteLine) -> dict[str, Any]:
    return {
        "product_code": line.product_code,
        "name_fr": line.name_fr,
        "name_en": line.name_en,
        "catalog_code": line.catalog_code,
        "pricing_unit": line.pricing_unit,
        "unit_price": str(line.unit_price),
        "start_date": line.start_date.isoformat(),
        "end_date": None,
        "participants": line.participants,
        "quantity": line.quantity,
        "total": str(_line_total(line)),
    }
