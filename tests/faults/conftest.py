"""One deployment per test, and the check that every dossier, e-mail and sale exists exactly once."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from msem.accounts.models import Role, User
from msem.connector4807.models import SalePush
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.selectors import categories_live, subjects_live
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.sales.models import Sale
from msem.schools.models import School
from tests.factories import MembershipFactory, SchoolFactory
from tests.faults.clients import Stream, Tally
from tests.faults.stack import LOGS, Database, Processes, wait_until
from tests.inquiries.helpers import receive_inquiry
from tests.mailing.smtp_server import SmtpServer
from tests.quotes.helpers import payment_request, sent_quote

PAYMENTS = 6
DRAIN_SECONDS = 120


@dataclass
class Deployment:
    school: School
    manager: User
    payment_requests: list[PaymentRequest]
    smtp: SmtpServer
    simulator: Simulator
    database: Database
    processes: Processes

    def stream(self) -> Stream:
        return Stream(
            self.processes.base_url,
            self.school,
            subject_id=subjects_live(school=self.school).first().pk,
            category=getattr(categories_live(school=self.school).first(), "code", ""),
            payments=self.payment_requests,
            secretary_cookie=self.session_cookie(),
        )

    def session_cookie(self) -> str:
        browser = Client()
        browser.force_login(self.manager)
        return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    @contextmanager
    def four_eight_o_seven_down(self):
        port, state = self.simulator.port, self.simulator.state
        self.simulator.stop()
        try:
            yield
        finally:
            # Back on the same address, with the sales it had recorded.
            self.simulator = Simulator(port=port, state=state).start()

    # --- After the stream -------------------------------------------------------------

    def drained(self) -> bool:
        gave_up = self.processes.ended_on_their_own()
        assert not gave_up, f"processes stopped by themselves: {gave_up} (see {LOGS})"
        emails = OutgoingEmail.objects.for_school(self.school)
        pushes = SalePush.objects.for_school(self.school)
        received = {item.message["Message-ID"] for item in self.smtp.received}
        return (
            not emails.exclude(status=OutgoingEmail.Status.SENT).exists()
            and not pushes.exclude(status=SalePush.Status.SENT).exists()
            and set(emails.values_list("message_id", flat=True)) <= received
        )

    def backlog(self) -> str:
        emails = Counter(OutgoingEmail.objects.for_school(self.school).values_list("status", flat=True))
        pushes = Counter(SalePush.objects.for_school(self.school).values_list("status", flat=True))
        received = {item.message["Message-ID"] for item in self.smtp.received}
        missing = OutgoingEmail.objects.for_school(self.school).exclude(message_id__in=received)
        return (
            f"not drained after {DRAIN_SECONDS} s: e-mails {dict(emails)}, pushes {dict(pushes)},"
            f" sent but not received: {list(missing.values_list('kind', 'to_email', 'status', 'message_id'))[:5]}"
        )

    def check_each_exactly_once(self, tally: Tally) -> Counter[str]:
        """Every dossier, e-mail and sale once; returns how often each e-mail was delivered."""
        assert not tally.problems, tally.problems
        assert not [label for label in tally.statuses if label.endswith(" 500")], tally.statuses
        assert tally.accepted, "no submission went through"
        assert tally.paid, "no payment went through"
        wait_until(self.drained, timeout=DRAIN_SECONDS, message=self.backlog)

        self._check_dossiers(tally)
        deliveries = self._check_emails()
        self._check_sales(tally)
        return deliveries

    def _check_dossiers(self, tally: Tally) -> None:
        dossiers = Inquiry.objects.for_school(self.school).filter(email__endswith="@faults.example.org")
        by_client = Counter(dossiers.values_list("email", flat=True))
        assert sorted(by_client) == sorted(tally.accepted), "a dossier without its thank-you page, or the reverse"
        assert set(by_client.values()) == {1}, [email for email, count in by_client.items() if count > 1]
        events = InquiryEvent.objects.for_school(self.school).filter(inquiry__in=dossiers, kind=InquiryEvent.Kind.EMAIL)
        kinds = Counter(events.values_list("inquiry_id", "email__kind"))
        for dossier in dossiers:
            assert kinds[(dossier.pk, OutgoingEmail.Kind.NOTIFICATION)] == 1, dossier.reference
            assert kinds[(dossier.pk, OutgoingEmail.Kind.ACKNOWLEDGEMENT)] == 1, dossier.reference

    def _check_emails(self) -> Counter[str]:
        """Each e-mail reached the SMTP server once, or twice at most (see test_faults.py)."""
        deliveries = Counter(item.message["Message-ID"] for item in self.smtp.received)
        queued = set(OutgoingEmail.objects.for_school(self.school).values_list("message_id", flat=True))
        assert set(deliveries) == queued
        assert max(deliveries.values()) <= 2, [mid for mid, count in deliveries.items() if count > 2]
        clients = Inquiry.objects.for_school(self.school).filter(email__endswith="@faults.example.org")
        for email, reference in clients.values_list("email", "reference"):
            acknowledgements = {item.message["Message-ID"] for item in self.smtp.to(email)}
            assert len(acknowledgements) == 1, email
            notifications = {
                item.message["Message-ID"]
                for item in self.smtp.received
                if f"[{reference}]" in item.message["Subject"] and email not in item.recipients
            }
            assert len(notifications) == 1, reference
        return deliveries

    def _check_sales(self, tally: Tally) -> None:
        sales = Sale.objects.for_school(self.school)
        for request in self.payment_requests:
            paid = request.pk in tally.paid
            assert Payment.objects.for_school(self.school).filter(payment_request=request).count() == int(paid)
            assert sales.filter(quote_id=request.quote_id).count() == int(paid)
        pushes = SalePush.objects.for_school(self.school)
        in_4807 = Counter(sale["key"] for sale in self.simulator.sales)
        assert sorted(in_4807) == sorted(pushes.values_list("idempotency_key", flat=True))
        assert set(in_4807.values()) == {1}
        assert len({sale["body"]["reference"] for sale in self.simulator.sales}) == sales.count()
        remote = {sale["key"]: sale["id"] for sale in self.simulator.sales}
        for key, remote_id in pushes.values_list("idempotency_key", "remote_id"):
            assert remote[key] == remote_id


def prepared_payments(school: School, manager: User, count: int) -> list[PaymentRequest]:
    """Quotes sent and payment links made, waiting for the clients to pay."""
    requests = []
    for number in range(count):
        inquiry = receive_inquiry(school, email=f"payer-{number}@payers.example.org")
        requests.append(payment_request(school, manager, sent_quote(school, manager, inquiry=inquiry)))
    return requests


@pytest.fixture
def deployment(request, transactional_db):
    school = SchoolFactory(name="ESF Val Neige", slug="valneige", main_email="info@valneige.test")
    manager = MembershipFactory(school=school, role=Role.MANAGER, user__email="manager@faults.test").user
    requests = prepared_payments(school, manager, PAYMENTS)
    smtp = SmtpServer().start()
    simulator = Simulator(establishments={"test-token": demo_establishment()}).start()
    database = Database()
    processes = Processes(request.node.name, database, smtp, simulator.url)
    deployment = Deployment(school, manager, requests, smtp, simulator, database, processes)
    try:
        processes.start_web()
        processes.start_workers(2)
        processes.start_scheduler()
        yield deployment
    finally:
        processes.stop_all()  # first: a process left running would hold the test database
        smtp.stop()
        deployment.simulator.stop()
        database.close()
