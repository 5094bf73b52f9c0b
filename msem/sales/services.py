"""Recording a sale when a quote is fully paid: what 4807 will be told, frozen, and its push queued."""

from __future__ import annotations

from django.db import transaction

from msem.connector4807.pushing import sale_push_queue
from msem.payments.models import Payment
from msem.quotes.models import Quote
from msem.sales.models import Sale


@transaction.atomic
def sale_record(*, quote: Quote) -> Sale:
    """One sale per quote, whatever calls this how many times."""
    existing = Sale.objects.for_school(quote.school_id).filter(quote=quote).first()
    if existing is not None:
        return existing
    lines = list(quote.lines.all())
    totals = quote.totals(lines)
    inquiry = quote.inquiry
    catalogs = {line.catalog_id for line in lines if line.catalog_id}
    catalog_id = next(iter(catalogs)) if len(catalogs) == 1 else None
    sale = Sale.objects.create(
        school_id=quote.school_id,
        quote=quote,
        inquiry=inquiry,
        catalog_id=catalog_id,
        catalog_code=next((line.catalog_code for line in lines if line.catalog_id == catalog_id), "")
        if catalog_id
        else "",
        client_name=inquiry.client_name,
        client_email=inquiry.email,
        client_phone=inquiry.phone,
        lines=[
            {
                "product_code": line.product_code,
                "name_fr": line.name_fr,
                "name_en": line.name_en,
                "catalog_code": line.catalog_code,
                "pricing_unit": line.pricing_unit,
                "unit_price": str(line.unit_price),
                "start_date": line.start_date.isoformat(),
                "end_date": line.end_date.isoformat() if line.end_date else None,
                "participants": line.participants,
                "quantity": line.quantity,
                "total": str(line.total),
            }
            for line in lines
        ],
        total_excluding_vat=totals.excluding_vat,
        vat=totals.vat,
        total=totals.including_vat,
        payment_references=[
            {"provider": payment.provider, "reference": payment.provider_reference, "amount": str(payment.amount)}
            for payment in Payment.objects.for_school(quote.school_id)
            .filter(payment_request__quote=quote)
            .order_by("received_at")
        ],
    )
    sale_push_queue(sale=sale)
    return sale
