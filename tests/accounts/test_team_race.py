"""Two managers invite the same address at the same instant: no 500, nothing half-written, one e-mail per grant.

The clash is forced where it happens: between the service's lookup (no account,
or no membership yet) and its insert. On PostgreSQL two threads with their own
connections both pass the lookup before either inserts (a barrier after the
lookup's query), and the second insert really waits for the first transaction
and meets its unique row. SQLite lets one writer in at a time, so there the
other manager's invitation is run on the same connection between the lookup and
the insert: it exercises the same fallback.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from msem.accounts.models import Membership, Role, User
from msem.accounts.team import Invitation, membership_invite
from msem.audit.models import AuditRecord
from msem.mailing.models import OutgoingEmail
from tests.factories import MembershipFactory
from tests.html_forms import page_text
from tests.meanwhile import after_first

ADDRESS = "lea@staff.test"

# The service's lookups, as the database receives them.
ACCOUNT_LOOKUP = 'FROM "accounts_user" WHERE "accounts_user"."email" = '
MEMBERSHIP_LOOKUP = 'AS "a" FROM "accounts_membership" WHERE'  # the check that she is not a member yet


def invite(school, manager, *, role: str = Role.SECRETARY, name: str = "Léa Roux") -> Invitation:
    return membership_invite(school=school, actor=manager, email=ADDRESS, full_name=name, role=role, language="fr")


def invitations_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to_email=address).order_by("id"))


@pytest.mark.django_db
class TestTheOtherInvitationLandsBetweenLookupAndInsert:
    """Both databases: the fallback paths, the other manager's invitation run inside ours."""

    def test_another_school_invites_her_first_and_this_one_goes_on_with_her_new_account(
        self, school, other_school, manager, other_manager
    ):
        with after_first(ACCOUNT_LOOKUP, lambda: invite(other_school, other_manager, name="Léa R.")):
            invitation = invite(school, manager)

        user = User.objects.get(email=ADDRESS)
        assert not invitation.account_created
        assert invitation.link_sent
        assert user.full_name == "Léa R."  # the account is the other school's, her name as it typed it
        assert Membership.objects.filter(user=user).count() == 2
        assert [(email.school_id, email.kind) for email in invitations_to(ADDRESS)] == [
            (other_school.pk, OutgoingEmail.Kind.INVITATION),
            (school.pk, OutgoingEmail.Kind.INVITATION),
        ]
        assert AuditRecord.objects.for_school(school).get().after["account_created"] is False

    def test_a_colleague_invites_her_first_and_the_second_is_told_she_is_a_member(
        self, school, manager, manager_client
    ):
        colleague = MembershipFactory(school=school, role=Role.MANAGER).user
        with after_first(ACCOUNT_LOOKUP, lambda: invite(school, colleague)):
            response = manager_client.post(
                f"/backoffice/{school.slug}/team/",
                {"email": ADDRESS, "first_name": "Léa", "last_name": "Roux", "role": "secretary", "language": "fr"},
            )

        assert response.status_code == 400
        assert f"{ADDRESS} fait déjà partie de l’équipe" in page_text(response)

    def test_a_colleague_grants_an_existing_account_first_and_the_second_is_refused(
        self, school, other_school, manager
    ):
        colleague = MembershipFactory(school=school, role=Role.MANAGER).user
        MembershipFactory(school=other_school, user__email=ADDRESS)

        with (
            after_first(MEMBERSHIP_LOOKUP, lambda: invite(school, colleague, role=Role.MANAGER)),
            pytest.raises(ValidationError) as refusal,
        ):
            invite(school, manager)

        assert refusal.value.code == "member"
        assert refusal.value.messages == [f"{ADDRESS} fait déjà partie de l’équipe."]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time: no such race")
@pytest.mark.django_db(transaction=True)
class TestTwoManagersAtTheSameInstantOnPostgreSQL:
    def race(self, *invitations: tuple[Any, User], lookup: str) -> list[Invitation | Exception]:
        """Each (school, manager) invites ADDRESS in a thread of its own; all pass `lookup` before any inserts."""
        barrier = threading.Barrier(len(invitations), timeout=20)
        outcomes: list[Invitation | Exception] = [Exception("not run")] * len(invitations)

        def run(index: int, school, manager) -> None:
            try:
                with after_first(lookup, barrier.wait):
                    outcomes[index] = invite(school, manager)
            except Exception as error:  # the test reads it: a 500 would be an IntegrityError here
                outcomes[index] = error
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(index, school, manager))
            for index, (school, manager) in enumerate(invitations)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcomes

    def test_same_school_new_address_one_account_one_membership_one_email(self, school, manager):
        colleague = MembershipFactory(school=school, role=Role.MANAGER).user

        outcomes = self.race((school, manager), (school, colleague), lookup=ACCOUNT_LOOKUP)

        invited = [outcome for outcome in outcomes if isinstance(outcome, Invitation)]
        refused = [outcome for outcome in outcomes if not isinstance(outcome, Invitation)]
        assert len(invited) == 1, outcomes
        assert invited[0].account_created
        assert len(refused) == 1
        assert isinstance(refused[0], ValidationError), refused[0]
        assert refused[0].code == "member"
        user = User.objects.get(email=ADDRESS)
        assert Membership.objects.filter(user=user).count() == 1
        assert len(invitations_to(ADDRESS)) == 1
        assert AuditRecord.objects.for_school(school).filter(action=AuditRecord.Action.MEMBER_INVITED).count() == 1

    def test_two_schools_new_address_one_account_and_each_school_its_invitation(
        self, school, other_school, manager, other_manager
    ):
        outcomes = self.race((school, manager), (other_school, other_manager), lookup=ACCOUNT_LOOKUP)

        assert all(isinstance(outcome, Invitation) for outcome in outcomes), outcomes
        assert sorted(outcome.account_created for outcome in outcomes) == [False, True]  # type: ignore[union-attr]
        user = User.objects.get(email=ADDRESS)
        assert not user.has_usable_password()
        assert {membership.school_id for membership in Membership.objects.filter(user=user)} == {
            school.pk,
            other_school.pk,
        }
        emails = invitations_to(ADDRESS)
        assert sorted(email.school_id for email in emails) == sorted([school.pk, other_school.pk])
        assert {email.kind for email in emails} == {OutgoingEmail.Kind.INVITATION}

    def test_same_school_existing_account_one_membership_one_access_email(self, school, other_school, manager):
        colleague = MembershipFactory(school=school, role=Role.MANAGER).user
        MembershipFactory(school=other_school, user__email=ADDRESS)

        outcomes = self.race((school, manager), (school, colleague), lookup=MEMBERSHIP_LOOKUP)

        assert sum(isinstance(outcome, Invitation) for outcome in outcomes) == 1, outcomes
        refused = next(outcome for outcome in outcomes if not isinstance(outcome, Invitation))
        assert isinstance(refused, ValidationError), refused
        assert refused.code == "member"
        assert Membership.objects.for_school(school).filter(user__email=ADDRESS).count() == 1
        emails = OutgoingEmail.objects.for_school(school).filter(to_email=ADDRESS)
        assert [email.kind for email in emails] == [OutgoingEmail.Kind.ACCESS_GRANTED]
