"""The outbox authenticated to its SMTP relay by a client certificate, not a password (ASVS 13.2.1).

A real TLS relay on loopback (aiosmtpd) that refuses any client without a certificate signed by
the operator's CA: with EMAIL_SSL_CERTFILE/KEYFILE the e-mails arrive; without them, or with a
certificate the relay does not trust, nothing is sent, the e-mails wait for another try and
leave once the right certificate is in place.
"""

from __future__ import annotations

import shutil
import ssl

import pytest
from django.utils import timezone

from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import DeliveryAttempt, OutgoingEmail
from tests.inquiries.helpers import receive_inquiry
from tests.mailing.certificates import Authority, Issued, make_authority
from tests.mailing.smtp_server import RecordingHandler, SmtpServer

pytestmark = pytest.mark.django_db

CLIENT_NAME = "msem-worker"


class PeerRecordingHandler(RecordingHandler):
    """Also remembers the name in the client certificate of each session that sent a message."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        # The TLS transport's, after STARTTLS as with TLS from the first byte.
        peer = server.transport.get_extra_info("peercert") or {}
        self.peers.extend(value for field in peer.get("subject", ()) for key, value in field if key == "commonName")
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def authority(tmp_path) -> Authority:
    return make_authority(tmp_path)


@pytest.fixture
def client_certificate(authority) -> Issued:
    return authority.issue(CLIENT_NAME)


def relay_context(authority: Authority) -> ssl.SSLContext:
    """The relay's side: its own certificate, and a client certificate from the CA required."""
    server = authority.issue("relay", server=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(authority.certificate))
    context.load_cert_chain(server.certificate, server.key)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def start_relay(settings, authority: Authority, **controller_options) -> SmtpServer:
    server = SmtpServer(**controller_options)
    server.handler = PeerRecordingHandler()
    server.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.MSEM_EMAIL_SSL_CAFILE = str(authority.certificate)
    return server


@pytest.fixture
def starttls_relay(settings, authority):
    server = start_relay(settings, authority, tls_context=relay_context(authority), require_starttls=True)
    settings.EMAIL_USE_TLS = True
    yield server
    server.stop()


def use_certificate(settings, issued: Issued) -> None:
    settings.EMAIL_SSL_CERTFILE = str(issued.certificate)
    settings.EMAIL_SSL_KEYFILE = str(issued.key)


def deliver():
    return outbox_deliver(time_budget=10)


def make_due_now():
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())


def assert_all_waiting_for_another_try() -> None:
    emails = list(OutgoingEmail.objects.all())
    assert len(emails) == 2
    for email in emails:
        assert email.status == OutgoingEmail.Status.QUEUED
        assert email.next_attempt_at > timezone.now()
        assert email.last_error


def test_with_its_certificate_the_outbox_delivers_over_starttls(school, starttls_relay, settings, client_certificate):
    use_certificate(settings, client_certificate)
    inquiry = receive_inquiry(school)

    report = deliver()

    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert len(starttls_relay.to(inquiry.email)) == 1
    assert starttls_relay.handler.peers == [CLIENT_NAME, CLIENT_NAME]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}


def test_without_a_certificate_the_relay_refuses_and_nothing_is_lost(
    school, starttls_relay, settings, client_certificate
):
    receive_inquiry(school)

    report = deliver()

    assert (report.sent, report.retried, report.failed) == (0, 2, 0)
    assert starttls_relay.received == []
    assert_all_waiting_for_another_try()

    use_certificate(settings, client_certificate)
    make_due_now()

    assert deliver().sent == 2
    assert len(starttls_relay.received) == 2
    for email in OutgoingEmail.objects.all():
        outcomes = list(email.delivery_attempts.values_list("outcome", flat=True))
        assert outcomes == [DeliveryAttempt.Outcome.RETRY, DeliveryAttempt.Outcome.SENT]


def test_a_certificate_from_another_ca_is_refused_and_the_renewed_one_is_read_without_a_restart(
    school, starttls_relay, settings, authority, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stranger = make_authority(elsewhere, "Another CA")
    wrong = stranger.issue(CLIENT_NAME)
    installed = Issued(certificate=tmp_path / "installed.crt", key=tmp_path / "installed.key")
    shutil.copy(wrong.certificate, installed.certificate)
    shutil.copy(wrong.key, installed.key)
    use_certificate(settings, installed)
    receive_inquiry(school)

    assert deliver().retried == 2
    assert starttls_relay.received == []
    assert_all_waiting_for_another_try()

    # Rotation: the operator puts the renewed certificate in place of the old files.
    renewed = authority.issue(CLIENT_NAME)
    shutil.copy(renewed.certificate, installed.certificate)
    shutil.copy(renewed.key, installed.key)
    make_due_now()

    assert deliver().sent == 2
    assert starttls_relay.handler.peers == [CLIENT_NAME, CLIENT_NAME]


def test_the_relay_itself_must_present_a_certificate_the_ca_signed(
    school, starttls_relay, settings, client_certificate
):
    # Without MSEM_EMAIL_SSL_CAFILE only the system's CAs are trusted: the private relay is not.
    use_certificate(settings, client_certificate)
    settings.MSEM_EMAIL_SSL_CAFILE = None
    receive_inquiry(school)

    assert deliver().retried == 2
    assert starttls_relay.received == []
    assert all("CERTIFICATE_VERIFY_FAILED" in email.last_error for email in OutgoingEmail.objects.all())


def test_with_tls_from_the_first_byte_the_certificate_is_presented_too(school, settings, authority, client_certificate):
    relay = start_relay(settings, authority, ssl_context=relay_context(authority))
    try:
        settings.EMAIL_USE_SSL = True
        use_certificate(settings, client_certificate)
        receive_inquiry(school)

        assert deliver().sent == 2
        assert relay.handler.peers == [CLIENT_NAME, CLIENT_NAME]
    finally:
        relay.stop()


def test_a_missing_certificate_file_is_a_failure_to_retry_not_a_crash(school, starttls_relay, settings, tmp_path):
    # A rotation half done: the worker carries on and the e-mails wait.
    use_certificate(settings, Issued(certificate=tmp_path / "gone.crt", key=tmp_path / "gone.key"))
    receive_inquiry(school)

    assert deliver().retried == 2
    assert_all_waiting_for_another_try()
    assert all("gone.crt" in email.last_error for email in OutgoingEmail.objects.all())
