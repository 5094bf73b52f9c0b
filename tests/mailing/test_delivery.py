"""The outbox delivered to a real SMTP server: what arrives, what is retried, what fails for good."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from msem.inquiries.models import Inquiry, Subject
from msem.mailing.delivery import EMAILS, outbox_deliver
from msem.mailing.models import DeliveryAttempt, MailKind, MailTemplate, OutgoingEmail
from msem.mailing.transports import DirectoryTransport
from msem.outbox.worker import retry_delay
from msem.quotes.services import quote_remind
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import sent_quote

pytestmark = pytest.mark.django_db


def deliver():
    return outbox_deliver(time_budget=10)


def make_due_now():
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())


class TestDelivered:
    def test_the_notification_reaches_the_subject_address_in_french_with_reply_to_the_client(self, school, smtp_server):
        inquiry = receive_inquiry(
            school,
            first_name="Ana",
            last_name="Lopez",
            email="ana@example.org",
            arrival_date=date(2027, 2, 9),
            departure_date=date(2027, 2, 16),
        )

        report = deliver()

        assert report.sent == 2
        [notification] = smtp_server.to(inquiry.subject.email)
        # The stay's days as the back office writes them, never cut in the middle of one.
        assert "Séjour\u00a0: 9\u00a0fév.\u00a02027 → 16\u00a0fév.\u00a02027" in notification.text
        assert "9\u00a0fév.\u00a02027 → 16\u00a0fév.\u00a02027" in notification.html
        message = notification.message
        assert message["Reply-To"] == "Ana Lopez <ana@example.org>"
        assert message["Subject"] == f"[{inquiry.reference}] Nouvelle demande — Demande d’informations — Ana Lopez"
        assert "Message\u00a0:" in notification.text
        assert inquiry.message in notification.text
        assert f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/" in notification.text
        assert message["Auto-Submitted"] is None

    @pytest.mark.parametrize(
        ("language", "greeting", "signature"),
        [
            ("fr", "Bonjour Claire Martin,", "L’équipe ESF Val Neige"),
            ("en", "Hello Claire Martin,", "The ESF Val Neige team"),
        ],
    )
    def test_the_acknowledgement_reaches_the_client_in_her_language(
        self, school, smtp_server, language, greeting, signature
    ):
        # A subject routed elsewhere than the school's main address: the client's
        # answer to "reply to this e-mail" must reach the secretary of that subject.
        private = Subject.objects.create(
            school=school, label_fr="Cours privés", label_en="Private lessons", email="prives@valneige.test", position=1
        )
        inquiry = receive_inquiry(school, language=language, subject=private)

        deliver()

        [acknowledgement] = smtp_server.to("claire.martin@example.org")
        message = acknowledgement.message
        assert message["Auto-Submitted"] == "auto-replied"
        assert message["X-Auto-Response-Suppress"] == "All"
        assert message["Reply-To"] == "prives@valneige.test"
        assert school.main_email not in str(message["Reply-To"])
        [notification] = smtp_server.to("prives@valneige.test")
        assert inquiry.reference in notification.message["Subject"]
        assert inquiry.reference in message["Subject"]
        assert acknowledgement.text.startswith(greeting)
        assert signature in acknowledgement.text
        assert school.legal_footer(language).replace("{school_name}", school.name) in acknowledgement.text
        assert greeting in acknowledgement.html
        assert "<p>" in acknowledgement.html
        # Never a relay for the client's own words.
        assert inquiry.message not in acknowledgement.text
        assert inquiry.message not in acknowledgement.html

    def test_a_long_subject_with_accents_reads_back_exactly_as_written(self, school, smtp_server):
        # Longer than a header line: folded, and read back by Python's own parser (the
        # server's) without a leading space or a lost character.
        label = "Cours particuliers de ski hors-piste et découverte du télémark à Noël"
        routed = Subject.objects.create(
            school=school, label_fr=label, label_en="Off-piste", email="horspiste@valneige.test", position=1
        )
        inquiry = receive_inquiry(school, first_name="Hélène", last_name="Favre-Lefèvre", subject=routed)

        deliver()

        [notification] = smtp_server.to("horspiste@valneige.test")
        expected = f"[{inquiry.reference}] Nouvelle demande — {label} — Hélène Favre-Lefèvre"
        assert len(expected) > 100
        assert notification.message["Subject"] == expected

    def test_a_quote_reminder_keeps_its_exact_subject(self, school, manager, smtp_server):
        # The reminder takes the school's "Envoi de devis" subject, marked as a reminder.
        MailTemplate.objects.for_school(school).filter(kind=MailKind.QUOTE, language="fr").update(
            subject="Votre devis {quote_number} de l'École du ski français : cours collectifs et leçons particulières"
        )
        quote = sent_quote(school, manager)
        quote_remind(school=school, actor=manager, quote_id=quote.pk)

        deliver()

        # "Rappel :" is ours and takes its no-break space; the school's own text is kept as she typed it.
        expected = (
            f"Rappel\u00a0: Votre devis {quote.number} de l'École du ski français : cours collectifs et leçons "
            "particulières"
        )
        subjects = [item.message["Subject"] for item in smtp_server.to(quote.inquiry.email)]
        assert expected in subjects

    def test_a_no_break_space_in_a_french_subject_travels_encoded_and_reads_back_as_one(
        self, school, manager, smtp_server
    ):
        quote = sent_quote(school, manager)
        quote_remind(school=school, actor=manager, quote_id=quote.pk)

        deliver()

        [reminder] = [item for item in smtp_server.to(quote.inquiry.email) if "Rappel" in item.message["Subject"]]
        assert reminder.message["Subject"] == f"Rappel\u00a0: Votre devis {quote.number} — ESF Val Neige"
        # On the wire the header is ASCII: RFC 2047 encoded words, the no-break space among their bytes.
        head = reminder.raw.split(b"\r\n\r\n", 1)[0]
        subject_lines = re.search(rb"^Subject:.*(?:\r\n[ \t].*)*", head, re.MULTILINE | re.IGNORECASE)
        assert subject_lines is not None
        assert subject_lines.group().isascii()
        assert b"=?utf-8?" in subject_lines.group().lower()
        # The plain text part says it is UTF-8 and reads as written: the colon stays with its word, the
        # link on the same line after it.
        plain = reminder.message.get_body(preferencelist=("plain",))
        assert plain.get_content_charset() == "utf-8"
        assert "Vous pouvez le consulter et l’accepter en ligne\u00a0: http://" in reminder.text

    def test_a_name_trying_to_inject_a_header_is_refused_before_anything_is_stored(self, school, smtp_server):
        # The form refuses it; the service refuses it too, whoever calls it.
        with pytest.raises(ValidationError):
            receive_inquiry(school, first_name="Eve", last_name="=?utf-8?q?=0D=0ABcc=3A_x@evil.test?=")
        assert not Inquiry.objects.exists()
        assert not OutgoingEmail.objects.exists()
        deliver()
        assert smtp_server.received == []

    def test_every_attempt_is_recorded(self, school, smtp_server):
        receive_inquiry(school)
        deliver()
        for email in OutgoingEmail.objects.all():
            assert email.status == OutgoingEmail.Status.SENT
            assert email.sent_at is not None
            [attempt] = email.delivery_attempts.all()
            assert attempt.outcome == DeliveryAttempt.Outcome.SENT


class TestFailures:
    def test_with_the_server_down_the_emails_wait_and_leave_once_it_is_back(self, school, smtp_server, settings):
        smtp_server.stop()
        inquiry = receive_inquiry(school)

        report = deliver()

        assert report.retried == 2
        waiting = OutgoingEmail.objects.get(to_email=inquiry.email)
        assert waiting.status == OutgoingEmail.Status.QUEUED
        assert waiting.next_attempt_at > timezone.now()
        assert "Connection refused" in waiting.last_error or "ConnectionRefused" in waiting.last_error
        smtp_server.start()
        make_due_now()

        assert deliver().sent == 2
        assert len(smtp_server.received) == 2
        attempts = list(waiting.delivery_attempts.values_list("outcome", flat=True))
        assert attempts == [DeliveryAttempt.Outcome.RETRY, DeliveryAttempt.Outcome.SENT]

    def test_with_tls_required_a_server_without_it_gets_nothing_in_clear_and_the_failure_is_logged(
        self, school, smtp_server, settings, caplog
    ):
        settings.EMAIL_USE_TLS = True  # the loopback server offers no STARTTLS
        receive_inquiry(school)

        with caplog.at_level(logging.WARNING, logger="msem.outbox.worker"):
            deliver()

        assert smtp_server.received == []
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.QUEUED}
        assert all("STARTTLS" in email.last_error for email in OutgoingEmail.objects.all())
        assert any("STARTTLS" in record.getMessage() for record in caplog.records)

    def test_a_4xx_answer_is_retried_later(self, school, smtp_server):
        smtp_server.handler.data_answer = "451 4.3.0 Mailbox temporarily unavailable"
        receive_inquiry(school)

        deliver()

        for email in OutgoingEmail.objects.all():
            assert email.status == OutgoingEmail.Status.QUEUED
            assert email.last_error.startswith("451")
            assert email.delivery_attempts.get().code == 451

    def test_a_5xx_answer_fails_for_good_with_the_servers_words(self, school, smtp_server):
        smtp_server.handler.data_answer = "554 5.7.1 Message rejected as spam"
        receive_inquiry(school)

        deliver()

        for email in OutgoingEmail.objects.all():
            assert email.status == OutgoingEmail.Status.FAILED
            assert email.last_error == "554 5.7.1 Message rejected as spam"
        make_due_now()
        assert deliver().sent == 0

    def test_after_the_last_attempt_a_retryable_failure_becomes_final(self, school, smtp_server, settings):
        settings.MSEM_OUTBOX_MAX_ATTEMPTS = 2
        smtp_server.stop()
        receive_inquiry(school)
        deliver()
        make_due_now()
        deliver()
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.FAILED}

    def test_a_row_whose_worker_died_is_claimed_again_after_its_lease(self, school, smtp_server):
        receive_inquiry(school)
        # A worker claimed everything, then died: the rows are "sending" with a lease in the past.
        OutgoingEmail.objects.update(
            status=OutgoingEmail.Status.SENDING,
            leased_by="dead",
            lease_expires_at=timezone.now() - timedelta(seconds=1),
        )

        assert deliver().sent == 2

    def test_a_row_under_a_live_lease_is_left_to_its_worker(self, school, smtp_server):
        receive_inquiry(school)
        OutgoingEmail.objects.update(
            status=OutgoingEmail.Status.SENDING,
            leased_by="alive",
            lease_expires_at=timezone.now() + timedelta(minutes=1),
        )
        assert deliver().sent == 0
        assert smtp_server.received == []


def test_the_backoff_grows_exponentially_with_jitter(settings):
    settings.MSEM_OUTBOX_RETRY_BASE_SECONDS = 30
    settings.MSEM_OUTBOX_RETRY_MAX_SECONDS = 3600
    delays = [retry_delay(EMAILS, attempt).total_seconds() for attempt in (1, 2, 3, 10)]
    assert 24 <= delays[0] <= 36
    assert 48 <= delays[1] <= 72
    assert 96 <= delays[2] <= 144
    assert delays[3] <= 3600 * 1.2


def test_without_smtp_each_message_is_written_to_a_file(school, tmp_path):
    receive_inquiry(school)
    report = outbox_deliver(transport=DirectoryTransport(directory=tmp_path), time_budget=10)
    assert report.sent == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert any(b"Auto-Submitted: auto-replied" in path.read_bytes() for path in files)
