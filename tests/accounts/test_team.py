"""A manager runs her school's team: the services' guards, an address that already has an account, isolation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formataddr

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from msem.accounts.invitations import invitation_send
from msem.accounts.models import Membership, Role, User
from msem.accounts.team import membership_invitation_resend, membership_invite, membership_remove, membership_role_set
from msem.audit.models import AuditRecord
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.outbox.rows import OutboxStatus
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


@contextmanager
def refused(code: str) -> Iterator[None]:
    with pytest.raises(ValidationError) as refusal:
        yield
    assert refusal.value.code == code


def invite(school, manager, email="anna@valneige.test", role=Role.SECRETARY, language="fr"):
    return membership_invite(
        school=school, actor=manager, email=email, full_name="Anna Martin", role=role, language=language
    )


def delivered(email: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now())


def membership_of(school, user) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


class TestInvite:
    def test_a_new_address_gets_an_account_without_password_and_the_invitation(self, school, manager, settings):
        invitation = invite(school, manager, language="en")

        user = User.objects.get(email="anna@valneige.test")
        assert invitation.account_created
        assert not user.has_usable_password()
        assert (user.full_name, user.language) == ("Anna Martin", "en")
        assert membership_of(school, user).role == Role.SECRETARY
        email = OutgoingEmail.objects.for_school(school).get(to_email="anna@valneige.test")
        assert email.kind == OutgoingEmail.Kind.INVITATION
        assert email.language == "en"
        assert "ESF Val Neige" in email.subject
        link = re.search(r"(https?://\S+/backoffice/invitation/\S+/)", email.text_body)
        assert link
        assert link.group(1).startswith(settings.MSEM_BASE_URL)
        record = AuditRecord.objects.for_school(school).get()
        assert record.action == AuditRecord.Action.MEMBER_INVITED
        assert record.actor == manager
        assert record.after["email"] == "anna@valneige.test"

    def test_the_invitation_names_the_colleague_who_sent_it_and_a_reply_goes_to_her(self, school, manager):
        """An account opened by nobody known reads like phishing; the invitee's question goes to the manager."""
        invite(school, manager, language="en")
        invite(school, manager, email="bruno@valneige.test")

        english, french = (
            OutgoingEmail.objects.for_school(school).filter(kind=OutgoingEmail.Kind.INVITATION).order_by("pk")
        )
        assert f"Invitation sent by {manager.full_name} (manager@valneige.test)" in english.text_body
        assert f"Invitation sent by {manager.full_name} (manager@valneige.test)" in english.html_body
        assert f"Invitation envoyée par {manager.full_name} (manager@valneige.test)\u00a0: répondez" in french.text_body
        assert english.reply_to == french.reply_to == formataddr((manager.full_name, "manager@valneige.test"))

    def test_the_platforms_administrator_is_not_named(self, school):
        administrator = User.objects.create_superuser(email="ops@msem.test", password=PASSWORD)
        membership = MembershipFactory(school=school, user__email="anna@valneige.test")
        membership.user.set_unusable_password()
        membership.user.save()

        email = invitation_send(user=membership.user, sent_by=administrator)

        assert "ops@msem.test" not in email.text_body + email.html_body + email.reply_to
        assert "Invitation envoyée par" not in email.text_body

    def test_the_link_lets_her_choose_her_password_and_log_in(self, school, manager):
        invite(school, manager)
        email = OutgoingEmail.objects.for_school(school).get(kind=OutgoingEmail.Kind.INVITATION)
        path = re.search(r"https?://[^/\s]+(/backoffice/invitation/\S+/)", email.text_body).group(1)
        client = Client()
        opened = client.get(path)
        assert opened.status_code == 302
        chosen = "neige fraiche sur les pistes de la station ce matin"
        client.post(opened["Location"], {"new_password1": chosen, "new_password2": chosen})
        assert User.objects.get(email="anna@valneige.test").check_password(chosen)

    def test_an_existing_account_gets_the_membership_and_keeps_her_password(self, school, other_school, manager):
        colleague = MembershipFactory(school=other_school, user__email="claire@autre.test").user
        hash_before = User.objects.get(pk=colleague.pk).password

        invitation = invite(school, manager, email="Claire@Autre.test", role=Role.MANAGER)

        assert not invitation.account_created
        assert User.objects.get(pk=colleague.pk).password == hash_before
        assert User.objects.get(pk=colleague.pk).full_name == colleague.full_name  # her name is hers
        assert membership_of(school, colleague).role == Role.MANAGER
        assert membership_of(other_school, colleague).role == Role.SECRETARY
        email = OutgoingEmail.objects.for_school(school).get(to_email="claire@autre.test")
        assert email.kind == OutgoingEmail.Kind.ACCESS_GRANTED
        assert "ESF Val Neige" in email.text_body
        assert "/backoffice/invitation/" not in email.text_body
        assert "/backoffice/reset/" not in email.text_body
        assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.INVITATION).exists()

    def test_someone_still_pending_at_another_school_gets_an_invitation_from_this_one(
        self, school, other_school, manager, other_manager
    ):
        invite(other_school, other_manager, email="lea@staff.test")
        invite(school, manager, email="lea@staff.test")
        email = OutgoingEmail.objects.for_school(school).get(to_email="lea@staff.test")
        assert email.kind == OutgoingEmail.Kind.INVITATION
        assert "ESF Val Neige" in email.subject

    def test_a_member_already_is_refused_and_nothing_is_sent(self, school, manager, secretary):
        with refused("member"):
            invite(school, manager, email=secretary.email.upper())
        assert not OutgoingEmail.objects.exists()
        assert not AuditRecord.objects.exists()

    def test_a_deactivated_account_is_refused(self, school, manager):
        UserFactory(email="gone@staff.test", is_active=False)
        with refused("inactive"):
            invite(school, manager, email="gone@staff.test")
        assert not Membership.objects.filter(user__email="gone@staff.test").exists()
        assert not OutgoingEmail.objects.exists()

    def test_resend_sends_a_new_link_and_the_old_one_dies(self, school, manager):
        membership = invite(school, manager).membership
        first = OutgoingEmail.objects.for_school(school).get()
        delivered(first)  # she got it, and lost it
        membership_invitation_resend(school=school, actor=manager, membership_id=membership.pk)
        second = OutgoingEmail.objects.for_school(school).exclude(pk=first.pk).get()
        old_path = re.search(r"https?://[^/\s]+(/backoffice/invitation/\S+/)", first.text_body).group(1)
        new_path = re.search(r"https?://[^/\s]+(/backoffice/invitation/\S+/)", second.text_body).group(1)
        assert old_path != new_path
        assert Client().get(old_path).status_code != 302
        assert Client().get(new_path).status_code == 302

    def test_resend_is_refused_while_her_invitation_has_not_left(self, school, manager):
        # A double click, or the mail server refusing it for now: a second e-mail would end the first's link.
        membership = invite(school, manager).membership
        first = OutgoingEmail.objects.for_school(school).get()
        with refused("invitation_not_left"):
            membership_invitation_resend(school=school, actor=manager, membership_id=membership.pk)
        OutgoingEmail.objects.filter(pk=first.pk).update(attempts=1, last_error="421 try again later")
        with refused("invitation_not_left"):
            membership_invitation_resend(school=school, actor=manager, membership_id=membership.pk)
        assert OutgoingEmail.objects.for_school(school).count() == 1
        assert (
            Client()
            .get(re.search(r"https?://[^/\s]+(/backoffice/invitation/\S+/)", first.text_body).group(1))
            .status_code
            == 302
        )

        # Failed for good (a mistyped domain, say): a new one can go.
        OutgoingEmail.objects.filter(pk=first.pk).update(status=OutboxStatus.FAILED)
        membership_invitation_resend(school=school, actor=manager, membership_id=membership.pk)
        assert OutgoingEmail.objects.for_school(school).count() == 2

    def test_resend_is_refused_once_she_has_her_password(self, school, manager, secretary):
        with refused("not_pending"):
            membership_invitation_resend(
                school=school, actor=manager, membership_id=membership_of(school, secretary).pk
            )
        assert not OutgoingEmail.objects.exists()


class TestRoleAndRemoval:
    def test_the_last_manager_can_be_neither_demoted_nor_removed(self, school, manager, secretary):
        own = membership_of(school, manager)
        with refused("last_manager"):
            membership_role_set(school=school, actor=manager, membership_id=own.pk, role=Role.SECRETARY)
        with refused("last_manager"):
            membership_remove(school=school, actor=manager, membership_id=own.pk)
        assert membership_of(school, manager).role == Role.MANAGER
        assert not AuditRecord.objects.exists()

    def test_with_a_second_manager_she_may_step_down(self, school, manager, secretary):
        membership_role_set(
            school=school, actor=manager, membership_id=membership_of(school, secretary).pk, role=Role.MANAGER
        )
        membership_role_set(
            school=school, actor=manager, membership_id=membership_of(school, manager).pk, role=Role.SECRETARY
        )
        assert membership_of(school, manager).role == Role.SECRETARY
        record = AuditRecord.objects.for_school(school).filter(action=AuditRecord.Action.MEMBER_ROLE_CHANGED).first()
        assert (record.before["role"], record.after["role"]) == (Role.MANAGER, Role.SECRETARY)

    def test_removal_unassigns_her_open_dossiers_with_a_timeline_line(self, school, manager, secretary):
        open_one = receive_inquiry(school)
        won_one = receive_inquiry(school)
        Inquiry.objects.for_school(school).filter(pk=open_one.pk).update(assignee=secretary)
        Inquiry.objects.for_school(school).filter(pk=won_one.pk).update(assignee=secretary, status="won")

        removal = membership_remove(school=school, actor=manager, membership_id=membership_of(school, secretary).pk)

        assert removal.unassigned == [open_one.reference]
        assert Inquiry.objects.for_school(school).get(pk=open_one.pk).assignee is None
        assert Inquiry.objects.for_school(school).get(pk=won_one.pk).assignee == secretary  # who sold it stays
        event = InquiryEvent.objects.for_school(school).filter(inquiry=open_one, kind="assigned").get()
        assert (event.actor, event.data) == (manager, {"before": str(secretary), "after": None})
        assert User.objects.filter(pk=secretary.pk).exists()
        assert not Membership.objects.filter(user=secretary).exists()
        record = AuditRecord.objects.for_school(school).get(action=AuditRecord.Action.MEMBER_REMOVED)
        assert record.after == {"dossiers_unassigned": [open_one.reference]}

    def test_removal_ends_her_sessions_when_she_has_no_other_school(self, school, manager, secretary):
        client = Client()
        assert client.post("/backoffice/login/", {"email": secretary.email, "password": PASSWORD}).status_code == 302
        assert Session.objects.exists()
        membership_remove(school=school, actor=manager, membership_id=membership_of(school, secretary).pk)
        assert client.get(f"/backoffice/{school.slug}/inquiries/").status_code == 302  # to the login page

    def test_removal_keeps_her_other_school(self, school, other_school, manager, secretary):
        MembershipFactory(school=other_school, user=secretary)
        client = Client()
        client.post("/backoffice/login/", {"email": secretary.email, "password": PASSWORD})

        removal = membership_remove(school=school, actor=manager, membership_id=membership_of(school, secretary).pk)

        assert not removal.sessions_ended
        assert client.get(f"/backoffice/{school.slug}/inquiries/").status_code == 404
        assert client.get(f"/backoffice/{other_school.slug}/inquiries/").status_code == 200
        assert client.get("/backoffice/").url == f"/backoffice/{other_school.slug}/inquiries/"


class TestIsolation:
    def test_another_schools_member_is_out_of_reach(self, school, other_school, manager, other_manager):
        theirs = membership_of(other_school, other_manager)
        with pytest.raises(Membership.DoesNotExist):
            membership_remove(school=school, actor=manager, membership_id=theirs.pk)
        with pytest.raises(Membership.DoesNotExist):
            membership_role_set(school=school, actor=manager, membership_id=theirs.pk, role=Role.SECRETARY)
        with pytest.raises(Membership.DoesNotExist):
            membership_invitation_resend(school=school, actor=manager, membership_id=theirs.pk)
        assert membership_of(other_school, other_manager).role == Role.MANAGER
