"""Products, quotes and payment requests built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.payments.models import PaymentRequest
from msem.payments.services import payment_request_create
from msem.quotes.models import Quote
from msem.quotes.services import quote_create, quote_line_add, quote_send
from msem.schools.models import School
from tests.inquiries.helpers import receive_inquiry


def season() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=30), today + timedelta(days=200)


def product_with_price(
    school: School,
    *,
    code: str = "COLL-FLOCON-6AM",
    name_fr: str = "Cours collectif Flocon — 6 matinées",
    name_en: str = "Group lesson Flocon — 6 mornings",
    price: str = "189.00",
    unit: str = Product.PricingUnit.PER_PERSON,
    catalog: Catalog | None = None,
    kind: str = Product.Kind.COLLECTIVE,
) -> Product:
    product, _created = Product.objects.get_or_create(
        school=school,
        code=code,
        defaults={"name_fr": name_fr, "name_en": name_en, "pricing_unit": unit, "kind": kind},
    )
    start, end = season()
    CatalogPrice.objects.update_or_create(
        school=school,
        catalog=catalog,
        product=product,
        valid_from=start,
        defaults={"unit_price": Decimal(price), "valid_until": end},
    )
    return product


def off_peak_private_lesson(school: School) -> Product:
    """A private lesson by the hour with a long name: the one that tests a narrow screen's layout."""
    return product_with_price(
        school,
        code="CP-HEURE-CREUSE",
        name_fr="Cours particulier en heure creuse (8 h 45 ou 12 h 30)",
        name_en="Off-peak private lesson (8:45 am or 12:30 pm)",
        price="58.00",
        unit=Product.PricingUnit.PER_HOUR,
        kind=Product.Kind.PRIVATE,
    )


def catalog(school: School, code: str = "TO-NEIGE-2026", name: str = "Neige & Soleil Voyages") -> Catalog:
    return Catalog.objects.create(school=school, code=code, account_name=name)


def lesson_day() -> date:
    return timezone.localdate() + timedelta(days=20)


def draft_quote(school: School, actor, *, inquiry=None, lines=None) -> Quote:
    inquiry = inquiry or receive_inquiry(school)
    quote = quote_create(school=school, actor=actor, inquiry_id=inquiry.pk)
    if lines is None:
        lines = [(product_with_price(school), None, 2, 1)]
    for product, price_list, participants, quantity in lines:
        quote_line_add(
            school=school,
            actor=actor,
            quote_id=quote.pk,
            catalog=price_list,
            product=product,
            start_date=lesson_day(),
            participants=participants,
            quantity=quantity,
        )
    quote.refresh_from_db()
    return quote


def sent_quote(school: School, actor, **kwargs) -> Quote:
    quote = draft_quote(school, actor, **kwargs)
    quote_send(school=school, actor=actor, quote_id=quote.pk, subject="Votre devis {quote_number}", body="Voici.")
    quote.refresh_from_db()
    return quote


def payment_request(school: School, actor, quote: Quote, **kwargs) -> PaymentRequest:
    """Asked by a secretary whose page is up to date: she replaces the request waiting, if any."""
    waiting = quote.payment_requests.filter(status=PaymentRequest.Status.PENDING).first()
    options = {"kind": PaymentRequest.Kind.FULL, "replaces": waiting.pk if waiting else None} | kwargs
    return payment_request_create(school=school, actor=actor, quote_id=quote.pk, **options)
