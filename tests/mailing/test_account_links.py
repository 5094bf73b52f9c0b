"""An invitation's or a password reset's link leaves the outbox once the e-mail has left, or never will.

The link opens the account to whoever holds it: the user receives it working, through a real SMTP
server, and then neither the outbox row, nor its attempts, nor any other table (a dump, a backup,
the admin) holds it any more. While a retry may still send the e-mail, the row keeps it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from msem.accounts.models import Membership, Role, User
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from tests.backoffice.test_team_page import member_row
from tests.factories import MembershipFactory
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db

RESET_PAGE = reverse("backoffice:password_reset")
CHOSEN = "les enfants prennent leur cours tous les matins de la semaine, 9h !"
LINK = re.compile(r"https?://[^/\s\"]+(/backoffice/(?:invitation|reset)/([^/\s\"]+)/([^/\s\"]+)/)")


def deliver():
    return outbox_deliver(time_budget=10)


def make_due_now():
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())


def invite(manager_client: Client, school, *, email: str = "anna@valneige.test", language: str = "fr") -> None:
    data = {"email": email, "first_name": "Anna", "last_name": "Martin", "role": Role.SECRETARY, "language": language}
    response = manager_client.post(f"/backoffice/{school.slug}/team/", data)
    assert response.status_code == 302


def resend(manager_client: Client, school, email: str) -> None:
    membership = Membership.objects.for_school(school).get(user__email=email)
    manager_client.post(f"/backoffice/{school.slug}/team/{membership.pk}/", {"action": "resend"})


def received_link(smtp_server, address: str, index: int = -1) -> tuple[str, str, str]:
    """The path of the link in the message received, its uid and its token; the same link in the HTML, if any."""
    received = smtp_server.to(address)[index]
    match = LINK.search(received.text)
    assert match, received.text
    if received.html:
        assert match.group(0) in received.html
    return match.group(1), match.group(2), match.group(3)


def stored_anywhere(*needles: str) -> list[str]:
    """The tables in which one of these strings is stored, in any column of any row."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (the database's own names)
            rows = " ".join(repr(row) for row in cursor.fetchall())
            found += [f"{table}: {needle}" for needle in needles if needle in rows]
    return found


def choose(path: str, password: str) -> int:
    client = Client()
    opened = client.get(path)
    assert opened.status_code == 302, opened.status_code
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password}).status_code


def logs_in(email: str, password: str) -> bool:
    return Client().post("/backoffice/login/", {"email": email, "password": password}).status_code == 302


class TestAnInvitation:
    def test_she_receives_a_working_link_that_the_database_no_longer_holds(self, manager_client, school, smtp_server):
        invite(manager_client, school)
        receive_inquiry(school)  # client e-mails in the same run keep their text
        client_emails = {e.pk: (e.text_body, e.html_body) for e in OutgoingEmail.objects.exclude(kind="invitation")}

        assert deliver().sent == 3

        path, uid, token = received_link(smtp_server, "anna@valneige.test")
        assert stored_anywhere(token, f"/invitation/{uid}/") == []
        invitation = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.INVITATION)
        assert invitation.status == OutgoingEmail.Status.SENT
        assert "[lien retiré après l’envoi]" in invitation.text_body
        assert "[lien retiré après l’envoi]" in invitation.html_body
        assert "Anna Martin" in invitation.text_body  # only the link is gone
        assert {e.pk: (e.text_body, e.html_body) for e in OutgoingEmail.objects.exclude(kind="invitation")} == (
            client_emails
        )

        assert choose(path, CHOSEN) == 302
        assert logs_in("anna@valneige.test", CHOSEN)

    def test_a_temporary_refusal_keeps_the_link_for_the_retry_which_delivers_it_working(
        self, manager_client, school, smtp_server
    ):
        smtp_server.handler.data_answer = "451 4.3.0 Mailbox temporarily unavailable"
        invite(manager_client, school)
        deliver()
        waiting = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.INVITATION)
        assert waiting.status == OutgoingEmail.Status.QUEUED
        assert "/backoffice/invitation/" in waiting.text_body  # the retry must still send it

        smtp_server.handler.data_answer = None
        make_due_now()
        assert deliver().sent == 1

        path, uid, token = received_link(smtp_server, "anna@valneige.test")
        assert stored_anywhere(token, f"/invitation/{uid}/") == []
        assert choose(path, CHOSEN) == 302
        assert logs_in("anna@valneige.test", CHOSEN)

    def test_refused_for_good_its_link_is_removed_and_a_resend_brings_a_new_working_one(
        self, manager_client, school, smtp_server
    ):
        smtp_server.handler.data_answer = "550 5.1.1 Recipient address rejected: mailbox full"
        invite(manager_client, school)
        queued = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.INVITATION)
        match = LINK.search(queued.text_body)
        assert match
        deliver()

        failed = OutgoingEmail.objects.get(pk=queued.pk)
        assert failed.status == OutgoingEmail.Status.FAILED
        assert stored_anywhere(match.group(3), f"/invitation/{match.group(2)}/") == []
        assert "[lien retiré\u00a0: l’e-mail n’a pas été remis]" in failed.text_body

        smtp_server.handler.data_answer = None
        resend(manager_client, school, "anna@valneige.test")
        assert deliver().sent == 1
        path, _uid, _token = received_link(smtp_server, "anna@valneige.test")
        assert choose(path, CHOSEN) == 302
        assert logs_in("anna@valneige.test", CHOSEN)

    def test_after_the_last_attempt_the_link_is_removed(self, manager_client, school, smtp_server, settings):
        settings.MSEM_OUTBOX_MAX_ATTEMPTS = 2
        smtp_server.handler.data_answer = "451 4.3.0 Mailbox temporarily unavailable"
        invite(manager_client, school)
        match = LINK.search(OutgoingEmail.objects.get().text_body)
        assert match
        deliver()
        make_due_now()
        deliver()

        assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.FAILED
        assert stored_anywhere(match.group(3), f"/invitation/{match.group(2)}/") == []

    def test_still_queued_when_its_link_expires_it_fails_and_loses_it_without_being_sent(
        self, manager_client, school, smtp_server, settings
    ):
        smtp_server.handler.data_answer = "451 4.3.0 Mailbox temporarily unavailable"
        invite(manager_client, school)
        deliver()
        smtp_server.handler.data_answer = None
        email = OutgoingEmail.objects.get()
        match = LINK.search(email.text_body)
        assert match
        # Its next attempt is still far off when the link dies: the next run (the scheduler's sweep) sees to it.
        OutgoingEmail.objects.filter(pk=email.pk).update(
            created_at=timezone.now() - timedelta(hours=settings.MSEM_INVITATION_HOURS, minutes=1),
            next_attempt_at=timezone.now() + timedelta(hours=1),
        )

        deliver()

        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.FAILED
        assert email.last_error == "The link expired before the e-mail could be sent."
        assert stored_anywhere(match.group(3), f"/invitation/{match.group(2)}/") == []
        assert smtp_server.to("anna@valneige.test") == []

    def test_the_team_page_says_its_link_expired_unsent_not_a_mail_server_answer(
        self, manager_client, school, smtp_server, settings
    ):
        invite(manager_client, school)
        OutgoingEmail.objects.update(
            created_at=timezone.now() - timedelta(hours=settings.MSEM_INVITATION_HOURS, minutes=1)
        )
        deliver()

        row = member_row(manager_client.get(f"/backoffice/{school.slug}/team/"), "anna@valneige.test")

        assert "E-mail non remis" in row
        assert "Son lien a expiré avant l’envoi\u00a0: envoyez une nouvelle invitation." in row
        assert "Réponse du serveur" not in row
        assert "Renvoyer l’invitation" in row

    def test_the_admin_does_not_put_a_failed_one_back_in_the_queue_without_its_link(
        self, manager_client, school, smtp_server
    ):
        smtp_server.handler.data_answer = "554 5.7.1 Message rejected"
        invite(manager_client, school)
        receive_inquiry(school)
        deliver()
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.FAILED}
        administrator = User.objects.create_superuser(email="ops@msem.test", password="x", language="en")
        admin = Client()
        admin.force_login(administrator)

        response = admin.post(
            "/admin/mailing/outgoingemail/",
            {
                "action": "put_back_in_queue",
                "_selected_action": list(OutgoingEmail.objects.values_list("pk", flat=True)),
            },
            follow=True,
        )

        shown = [str(message) for message in get_messages(response.wsgi_request)]
        assert any("1 invitation or password-reset e-mail was left out" in message for message in shown), shown
        assert any("2 rows are back in the queue." in message for message in shown), shown
        invitation = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.INVITATION)
        assert invitation.status == OutgoingEmail.Status.FAILED
        assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() == 2


class TestAPasswordReset:
    def test_she_receives_a_working_link_that_the_database_no_longer_holds(self, school, smtp_server):
        user = MembershipFactory(school=school, user__email="claire@valneige.test", user__language="en").user
        Client().post(RESET_PAGE, {"email": user.email}, REMOTE_ADDR="203.0.113.7")
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.PASSWORD_RESET).count() == 1

        assert deliver().sent == 1

        path, uid, token = received_link(smtp_server, user.email)
        assert stored_anywhere(token, f"/reset/{uid}/") == []
        assert "[link removed after sending]" in OutgoingEmail.objects.get().text_body
        assert choose(path, CHOSEN) == 302
        assert logs_in(user.email, CHOSEN)

    def test_expired_before_it_could_leave_it_is_not_sent_and_loses_its_link(self, school, smtp_server, settings):
        user = MembershipFactory(school=school, user__email="claire@valneige.test").user
        Client().post(RESET_PAGE, {"email": user.email}, REMOTE_ADDR="203.0.113.7")
        email = OutgoingEmail.objects.get()
        match = LINK.search(email.text_body)
        assert match
        OutgoingEmail.objects.filter(pk=email.pk).update(
            created_at=timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
        )

        assert deliver().sent == 0

        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.FAILED
        assert stored_anywhere(match.group(3), f"/reset/{match.group(2)}/") == []
        assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_the_links_of_those_sent_or_failed_before_and_keeps_the_queued_ones(school):
    before, after = [("mailing", "0011_field_labels")], [("mailing", "0012_account_links_removed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        link = "http://msem.test/backoffice/invitation/Mg/cz2xyz-0123456789abcdef0123456789abcdef/"

        def email(kind: str, status: str, language: str = "fr") -> OutgoingEmail:
            return OutgoingEmail.objects.create(
                school=school,
                kind=kind,
                language=language,
                to_email="anna@valneige.test",
                subject="Votre accès",
                text_body=f"Ouvrez ce lien :\n{link}\n",
                html_body=f'<a href="{link}">Choisir</a>',
                message_id=f"<{kind}-{status}@msem.test>",
                status=status,
                next_attempt_at=timezone.now(),
            )

        sent, failed, queued = (email("invitation", status) for status in ("sent", "failed", "queued"))
        other = email("test", "sent")

        MigrationExecutor(connection).migrate(after)

        assert link not in OutgoingEmail.objects.get(pk=sent.pk).text_body
        assert link not in OutgoingEmail.objects.get(pk=sent.pk).html_body
        assert link not in OutgoingEmail.objects.get(pk=failed.pk).text_body
        assert link in OutgoingEmail.objects.get(pk=queued.pk).text_body  # it may still leave
        assert link in OutgoingEmail.objects.get(pk=other.pk).text_body
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
