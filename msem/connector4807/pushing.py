"""Reporting sales to 4807 through the outbox: the push channel."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from msem.accounts.models import Membership, Role
from msem.connector4807.gateway import Gateway, gateway_for
from msem.connector4807.models import SalePush, SalePushAttempt
from msem.inquiries.models import InquiryEvent
from msem.inquiries.notifications import email_event_record
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.staff_mail import staff_mail_render
from msem.outbox.worker import Channel, RunReport, outbox_run, wake_up
from msem.sales.models import Sale
from msem.schools.models import School


def sale_payload(sale: Sale) -> dict[str, Any]:
    """What 4807 is told of a sale (docs/4807-connector.md, "Create a sale")."""
    return {
        "reference": sale.quote.number,
        "dossier": sale.inquiry.reference,
        "catalog_code": sale.catalog_code or None,
        "client": {"name": sale.client_name, "email": sale.client_email, "phone": sale.client_phone},
        "lines": sale.lines,
        "total_excluding_vat": f"{sale.total_excluding_vat:.2f}",
        "vat": f"{sale.vat:.2f}",
        "total": f"{sale.total:.2f}",
        "currency": sale.currency,
        "payments": sale.payment_references,
        "sold_at": sale.created_at.isoformat(),
    }


class Gateways:
    """The gateways of one worker run, one per school: each keeps its HTTP connection alive between pushes."""

    def __init__(self) -> None:
        self._by_school: dict[int, Gateway] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        for gateway in self._by_school.values():
            close = getattr(gateway, "close", None)
            if close is not None:
                close()
        self._by_school.clear()

    def for_school(self, school: School) -> Gateway:
        gateway = self._by_school.get(school.pk)
        if gateway is None:
            gateway = self._by_school[school.pk] = gateway_for(school)
        return gateway


def _send(push: SalePush, gateways: Gateways) -> dict[str, Any]:
    sale = push.sale  # read with the claim (SALE_PUSHES.select_related): the push's own sale, same school
    gateway = gateways.for_school(sale.school)
    remote_id = gateway.sale_record(payload=sale_payload(sale), idempotency_key=push.idempotency_key)
    return {"remote_id": remote_id}


def _sales_reported(pushes: list[SalePush]) -> None:
    """Each dossier's timeline says its sale reached 4807, and under which number 4807 (or the ledger) keeps it."""
    InquiryEvent.objects.bulk_create(
        [
            InquiryEvent(
                school_id=push.school_id,
                inquiry_id=push.sale.inquiry_id,
                kind=InquiryEvent.Kind.SALE_REPORT,
                created_at=push.sent_at or timezone.now(),  # set by the worker as it marks the push sent
                data={"quote": push.sale.quote.number, "outcome": "sent", "remote_id": push.remote_id},
            )
            for push in pushes
        ]
    )


def _sale_report_failed(push: SalePush) -> None:
    """4807 refused the sale for good: the dossier's timeline says so with 4807's answer, and the managers are told."""
    sale = Sale.objects.for_school(push.school_id).select_related("quote").get(pk=push.sale_id)
    InquiryEvent.objects.create(
        school_id=push.school_id,
        inquiry_id=sale.inquiry_id,
        kind=InquiryEvent.Kind.SALE_REPORT,
        data={"quote": sale.quote.number, "outcome": "failed", "error": push.last_error[:500]},
    )
    _alert_managers(push)


def _alert_managers(push: SalePush) -> None:
    """One e-mail to each manager of the school when a sale cannot be reported for good."""
    sale = Sale.objects.for_school(push.school_id).select_related("quote", "inquiry", "school").get(pk=push.sale_id)
    school = sale.school
    url = settings.MSEM_BASE_URL + reverse("backoffice:sale_pushes", kwargs={"school_slug": school.slug})
    managers = Membership.objects.for_school(school).filter(role=Role.MANAGER).select_related("user")
    for membership in managers:
        context = {"sale": sale, "push": push, "school": school, "url": url}
        mail = staff_mail_render("sale_push_failed", context, language=membership.user.language, with_html=False)
        email = email_enqueue(
            school=school,
            kind=OutgoingEmail.Kind.ALERT,
            language=membership.user.language,
            to_email=membership.user.email,
            subject=mail.subject,
            text_body=mail.text,
        )
        # In the dossier's timeline like its other e-mails: the E-mails page then finds it by the reference.
        email_event_record(sale.inquiry, email)


@task(queue_name="connector4807")
def push_sales() -> dict[str, int]:
    report = sales_push_due()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


SALE_PUSHES: Channel[SalePush] = Channel(
    name="sale-push",
    row_model=SalePush,
    attempt_model=SalePushAttempt,
    attempt_row_field="push",
    task=push_sales,
    connect=Gateways,
    send=_send,
    lease_seconds=lambda: settings.MSEM_OUTBOX_LEASE_SECONDS,
    max_attempts=lambda: settings.MSEM_4807_PUSH_MAX_ATTEMPTS,
    retry_base_seconds=lambda: settings.MSEM_4807_RETRY_BASE_SECONDS,
    retry_max_seconds=lambda: settings.MSEM_4807_RETRY_MAX_SECONDS,
    on_sent=_sales_reported,
    on_failed=_sale_report_failed,
    select_related=("sale__quote", "sale__inquiry", "sale__school"),
)


def sales_push_due(*, time_budget: float | None = None) -> RunReport:
    budget = settings.MSEM_OUTBOX_RUN_SECONDS if time_budget is None else time_budget
    return outbox_run(SALE_PUSHES, time_budget=budget)


def push_idempotency_key(sale: Sale) -> str:
    """The key 4807 records the sale under: fixed for good when the push is queued."""
    return f"msem-{sale.school_id}-sale-{sale.pk}"


def sale_push_queue(*, sale: Sale) -> SalePush:
    """In the transaction that records the sale: its push, with a key that never changes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sale_push_queue belongs in the transaction that records the sale.")
    push = SalePush.objects.create(
        school_id=sale.school_id,
        sale=sale,
        idempotency_key=push_idempotency_key(sale),
        next_attempt_at=timezone.now(),
    )
    wake_up(push_sales)
    return push
