"""What a visitor of the demo notices: each dossier tells one story, from the client's message to the sale in 4807."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from msem.accounts.models import Membership, User
from msem.catalog.models import Product
from msem.connector4807.models import LedgerEntry, SalePush, SalePushAttempt
from msem.connector4807.pushing import sale_payload
from msem.demo.client_messages import Topic, message_written, messages_for, topic_of
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, season_start
from msem.demo.office_hours import CLOSES, OPENS
from msem.inquiries.models import Inquiry, InquiryEvent, Subject
from msem.inquiries.selectors import subjects_live
from msem.inquiries.services import SubjectLine, subjects_sync
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.quotes.models import Quote
from msem.sales.models import Sale
from msem.schools.models import School

pytestmark = pytest.mark.django_db
Kind = InquiryEvent.Kind


# Nothing listens there: a push to it would fail, not be sent.
NOWHERE = "http://127.0.0.1:9/"


@pytest.fixture(scope="module")
def demo_season(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo's season, seeded once for the module: seeded for each test, it took a minute of every CI run.

    Committed outside the tests' transactions, which roll back whatever a test changes; flushed at
    the end, as a live-server test's rows are.
    """
    with django_db_blocker.unblock(), override_settings(MSEM_DEMO=True, MSEM_4807_URL=NOWHERE):
        call_command("seed_demo")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_season, settings) -> School:
    settings.MSEM_DEMO = True
    return School.objects.get(slug="demo")


@pytest.fixture
def manager_of_demo(demo) -> Client:
    User.objects.filter(email="manager@demo.test").update(language="en")  # pages in English, as the asserts
    client = Client()
    client.force_login(User.objects.get(email="manager@demo.test"))
    return client


def test_every_demo_sale_was_reported_to_4807_once_in_the_embedded_ledger(demo):
    """Sent a few seconds after the payment, in one attempt, under the ledger number; a gateway is never called.

    The season was seeded with a 4807 address where nothing listens (NOWHERE).
    """
    school = demo
    sales = list(Sale.objects.for_school(school).select_related("push", "quote", "inquiry"))
    assert len(sales) >= 10
    entries = {entry.idempotency_key: entry for entry in LedgerEntry.objects.for_school(school)}
    attempts = {attempt.push_id: attempt for attempt in SalePushAttempt.objects.for_school(school)}
    assert len(entries) == len(attempts) == len(sales)
    for sale in sales:
        push = sale.push
        assert push.status == SalePush.Status.SENT, sale.quote.number
        assert push.attempts == 1
        assert push.created_at == push.next_attempt_at == sale.created_at
        assert sale.created_at < push.sent_at <= timezone.now()
        attempt = attempts[push.pk]
        assert attempt.outcome == SalePushAttempt.Outcome.SENT
        assert attempt.worker == push.leased_by
        assert attempt.started_at < attempt.finished_at == push.sent_at
        entry = entries[push.idempotency_key]
        assert push.remote_id == entry.number
        assert entry.recorded_at == push.sent_at
        assert entry.payload == sale_payload(sale)
    # Numbered as the embedded gateway numbers them: in the order they were recorded, from 1 each year.
    numbers = [entry.number for entry in sorted(entries.values(), key=lambda entry: entry.recorded_at)]
    for year in {number.split("-")[1] for number in numbers}:
        of_year = [number for number in numbers if number.split("-")[1] == year]
        assert of_year == [f"LED-{year}-{index:05d}" for index in range(1, len(of_year) + 1)]


def test_the_sales_page_lists_the_demo_sales_and_the_ledger_exports_them(demo, manager_of_demo):
    sales = Sale.objects.for_school(demo).select_related("quote", "push")
    # The demo's number of sales follows the school's primary key (its random seed): past 50 they take
    # more than one page, so the pages are read as she would, following "Older" to the last one.
    pages = []
    for number in range(1, 100):
        page = manager_of_demo.get("/backoffice/demo/sales/", {"page": number}).content.decode()
        pages.append(page)
        if f'page={number + 1}">Older</a>' not in page:
            break
    page = "".join(pages)
    assert "No sale yet" not in page
    assert "Waiting to be reported to 4807" not in page
    for sale in sales:
        assert sale.quote.number in page
        assert sale.push.remote_id in page
    ledger = b"".join(manager_of_demo.get("/backoffice/demo/sales/ledger.csv").streaming_content).decode()
    for sale in sales:
        assert f"{sale.push.remote_id};" in ledger
        assert sale.quote.number in ledger


def test_a_paid_dossier_tells_its_story_in_order(demo, manager_of_demo):
    """Quote sent, accepted, payment request e-mailed by the secretary, payment received, fully paid."""
    staff = set(Membership.objects.for_school(demo).values_list("user_id", flat=True))
    paid = Inquiry.objects.for_school(demo).filter(status=Inquiry.Status.PAID)
    assert paid.count() >= 10
    for inquiry in paid:
        events = list(
            InquiryEvent.objects.for_school(demo)
            .filter(inquiry=inquiry)
            .select_related("email")
            .order_by("created_at", "id")
        )
        story = [_step(event) for event in events]
        expected = [
            "quote created",
            "email quote",
            "quote sent",
            "quote accepted",
            "payment requested",
            "email payment_request",
            "payment received",
            "quote paid",
            "status paid",
            "sale_report sent",
        ]
        assert [step for step in story if step in expected] == expected, inquiry.reference
        assert story[:3] == ["received", "email notification", "email acknowledgement"], inquiry.reference
        requested = next(event for event in events if _step(event) == "payment requested")
        emailed = next(event for event in events if _step(event) == "email payment_request")
        received = next(event for event in events if _step(event) == "payment received")
        # Asked for by a secretary, paid by the client (no one of the school).
        assert requested.actor_id in staff
        assert emailed.actor_id == requested.actor_id
        assert emailed.email.status == OutgoingEmail.Status.SENT
        assert received.actor_id is None
        assert received.data["provider"] == Payment.Provider.SANDBOX

        quote = Quote.objects.for_school(demo).get(inquiry=inquiry)
        payment_request = PaymentRequest.objects.for_school(demo).get(quote=quote)
        payment = Payment.objects.for_school(demo).get(payment_request=payment_request)
        assert payment_request.status == PaymentRequest.Status.PAID
        assert payment_request.created_at == requested.created_at < payment_request.expires_at
        assert payment_request.created_by_id == requested.actor_id
        assert quote.sent_at < quote.accepted_at < payment_request.created_at < payment.received_at == quote.paid_at
        assert requested.data["reference"] == payment_request.reference
        sale = Sale.objects.for_school(demo).get(quote=quote)
        assert payment.amount == payment_request.amount == sale.total
        assert sale.payment_references == [
            {"provider": payment.provider, "reference": payment.provider_reference, "amount": str(payment.amount)}
        ]
    reference = paid.first().reference
    timeline = manager_of_demo.get(f"/backoffice/demo/inquiries/{reference}/").content.decode()
    assert "payment received" in timeline
    assert "fully paid" in timeline
    push = Sale.objects.for_school(demo).select_related("push", "quote").get(inquiry=paid.first()).push
    # No 4807 gateway in the demo: the sale is in Msem's ledger, still to be entered into 4807, and says so.
    assert f"written to Msem's ledger (number {push.remote_id}), to enter into 4807" in timeline
    assert "reported to 4807" not in timeline
    panel = manager_of_demo.get(reverse("backoffice:quotes_panel", args=["demo", reference])).content.decode()
    assert "In Msem's ledger, to enter into 4807" in panel
    assert "Reported to 4807" not in panel
    assert "Waiting to be reported to 4807" not in panel


def _step(event: InquiryEvent) -> str:
    if event.kind == Kind.EMAIL:
        return f"email {event.email.kind if event.email else ''}"
    if event.kind in (Kind.QUOTE, Kind.PAYMENT):
        return f"{event.kind} {event.data['action']}"
    if event.kind == Kind.SALE_REPORT:
        return f"{event.kind} {event.data['outcome']}"
    if event.kind == Kind.STATUS_CHANGED:
        return f"status {event.data['after']}"
    return event.kind


def test_some_clients_who_did_not_answer_were_reminded_of_their_quote(demo):
    """ "Relancer le client": the quote's e-mail again, marked as a reminder, days later, and in the timeline."""
    reminded = Quote.objects.for_school(demo).filter(reminders_sent__gt=0).select_related("inquiry")
    assert reminded.exists()
    for quote in reminded:
        assert quote.status in (Quote.Status.SENT, Quote.Status.EXPIRED), quote.number
        assert quote.sent_at < quote.last_reminded_at < timezone.now()
        assert timezone.localdate(quote.last_reminded_at) <= quote.valid_until
        first, again = (
            OutgoingEmail.objects.for_school(demo)
            .filter(kind="quote", to_email=quote.inquiry.email)
            .order_by("created_at")
        )
        assert again.created_at == quote.last_reminded_at
        marked = "Rappel\u00a0: " if quote.language == "fr" else "Reminder: "
        assert again.subject == marked + first.subject
        assert f"/{quote.language}/demo/quote/{quote.link_token}/" in again.text_body
        assert (
            InquiryEvent.objects.for_school(demo)
            .filter(inquiry=quote.inquiry, kind=Kind.QUOTE, data__action="reminded", created_at=quote.last_reminded_at)
            .exists()
        )


def test_quotes_past_their_validity_date_are_expired_as_the_hourly_sweep_leaves_them(demo):
    today = timezone.localdate()
    assert not Quote.objects.for_school(demo).filter(status=Quote.Status.SENT, valid_until__lt=today).exists()
    expired = Quote.objects.for_school(demo).filter(status=Quote.Status.EXPIRED)
    assert expired.exists()
    for quote in expired:
        [event] = InquiryEvent.objects.for_school(demo).filter(
            inquiry=quote.inquiry_id, kind=Kind.QUOTE, data__action="expired"
        )
        assert timezone.localdate(event.created_at) > quote.valid_until
        assert event.actor is None


def test_each_demo_dossier_reads_as_one_request(demo):
    """The message fits the subject, the participants fit the message, the quote holds what the message asks."""
    inquiries = Inquiry.objects.for_school(demo).select_related("subject", "category")
    topics = set()
    for inquiry in inquiries:
        assert inquiry.message in [message.text for message in messages_for(inquiry.subject, inquiry.language)]
        written = message_written(inquiry.message)
        assert written is not None
        assert inquiry.participants in written.participants, inquiry.reference
        if written.lodging_unknown:
            assert inquiry.category.code == "je-ne-sais-pas", inquiry.reference
        topics.add(topic_of(inquiry.subject))
    assert topics == set(Topic)
    quotes = Quote.objects.for_school(demo).select_related("inquiry").prefetch_related("lines")
    assert quotes.count() >= 30
    for quote in quotes:
        written = message_written(quote.inquiry.message)
        assert written is not None
        lines = [(line.product_code, line.participants, line.quantity) for line in quote.lines.all()]
        asked = [
            (item.code, item.participants or quote.inquiry.participants or line[1], item.quantity)
            for item, line in zip(written.products, lines, strict=True)
        ]
        assert lines == asked, quote.inquiry.reference
    # Private-lesson requests are quoted private lessons; group requests, the products for groups.
    private = quotes.filter(inquiry__subject__label_fr="Cours particuliers")
    groups = quotes.filter(inquiry__subject__label_fr__startswith="Groupes")
    assert private.exists()
    assert groups.exists()
    assert {line.product.kind for quote in private for line in quote.lines.all()} == {Product.Kind.PRIVATE}
    assert {line.product.kind for quote in groups for line in quote.lines.all()} == {Product.Kind.GROUP}


def test_other_schools_subjects_get_messages_that_fit_them(school):
    """The generator serves any school: a subject it cannot tell the topic of gets general questions."""
    first = subjects_live(school=school).get()
    subjects_sync(
        school=school,
        lines=[
            SubjectLine(first.pk, "Renseignements", "Questions", school.main_email),
            SubjectLine(None, "Leçons privées", "Private lessons", "prives@valneige.test"),
            SubjectLine(None, "Hors-piste et randonnée", "Off-piste and touring", "hp@valneige.test"),
        ],
    )
    subjects = list(subjects_live(school=school))
    assert [topic_of(subject) for subject in subjects] == [Topic.INFORMATION, Topic.PRIVATE, Topic.INFORMATION]
    choices = SchoolChoices(subjects=subjects, categories=[], staff=[])
    rows = list(
        generate_inquiries(school, choices, count=300, start=season_start(timezone.localdate()), end=timezone.now())
    )
    for row in rows:
        assert row.message in [message.text for message in messages_for(row.subject, row.language)]
    assert {row.subject.pk for row in rows} == {subject.pk for subject in subjects}
    assert 0.2 < sum(row.language == "en" for row in rows) / len(rows) < 0.4


def test_the_subjects_of_the_demo_school_each_have_their_messages():
    labels = [
        ("Demande d’informations", "Request for information", Topic.INFORMATION),
        ("Cours collectifs", "Group lessons", Topic.COLLECTIVE),
        ("Cours particuliers", "Private lessons", Topic.PRIVATE),
        ("Groupes, clubs et scolaires", "Groups, clubs and schools", Topic.GROUPS),
    ]
    for label_fr, label_en, topic in labels:
        assert topic_of(Subject(label_fr=label_fr, label_en=label_en)) == topic


def test_the_secretaries_work_while_the_office_is_open(demo):
    """Clients write at any hour; the demo's replies, quotes, reminders and payment requests leave by day."""

    def at_the_office(moment) -> bool:
        return OPENS <= timezone.localtime(moment).time() < CLOSES

    by_staff = (
        InquiryEvent.objects.for_school(demo)
        .filter(kind=Kind.EMAIL, actor__isnull=False)
        .exclude(email__kind=OutgoingEmail.Kind.PAYMENT_REQUEST)  # below
    )
    assert by_staff.count() > 100
    at_night = [e.email.subject for e in by_staff.select_related("email") if not at_the_office(e.created_at)]
    assert at_night == []
    reminded = Quote.objects.for_school(demo).filter(last_reminded_at__isnull=False)
    assert reminded.exists()
    assert all(at_the_office(quote.last_reminded_at) for quote in reminded)
    # Paid in the last hour before the history's end, a request may have been sent the evening before.
    requests = list(PaymentRequest.objects.for_school(demo).values_list("created_at", flat=True))
    assert sum(map(at_the_office, requests)) >= 0.9 * len(requests)
    clients = Inquiry.objects.for_school(demo).values_list("received_at", flat=True)
    assert not all(map(at_the_office, clients))  # the clients, for their part, write in the evening too


def test_a_dossier_settled_without_an_email_says_it_was_by_phone(demo):
    """Won, lost or waiting for the client with no e-mail from the school: the secretary's note tells how."""
    events = InquiryEvent.objects.for_school(demo)
    written_to = set(events.filter(kind=Kind.EMAIL, actor__isnull=False).values_list("inquiry_id", flat=True))
    settled = Inquiry.objects.for_school(demo).filter(
        status__in=[Inquiry.Status.WON, Inquiry.Status.LOST, Inquiry.Status.WAITING_FOR_CLIENT]
    )
    by_phone = [inquiry for inquiry in settled if inquiry.pk not in written_to]
    assert len(by_phone) >= 5
    for inquiry in by_phone:
        timeline = list(events.filter(inquiry=inquiry).order_by("created_at", "id"))
        kinds = [event.kind for event in timeline]
        assert Kind.NOTE in kinds, inquiry.reference
        note = timeline[kinds.index(Kind.NOTE)]
        settled_by = next(e for e in timeline if e.kind == Kind.STATUS_CHANGED and e.data["after"] == inquiry.status)
        assert note.created_at <= settled_by.created_at, inquiry.reference
        assert note.actor_id == settled_by.actor_id is not None, inquiry.reference
