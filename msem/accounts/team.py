"""A school's manager runs her own team: invites, changes roles, removes members.

Each change is scoped to her school, atomic, and on record twice: the security
log (membership.granted / changed / removed, from msem/accounts/security_log.py)
and the school's audit, shown in the settings' history of changes.
The school always keeps at least one manager, except when a platform administrator
changes the team in Django's admin (`by_platform`): the platform is who a school without a
manager turns to, and the admin may have to remove one manager before adding the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from msem.accounts.invitations import InvitationRefused, access_granted_send, invitation_send
from msem.accounts.models import Membership, Role, User
from msem.accounts.selectors import invitation_email_latest
from msem.accounts.services import user_sessions_end
from msem.audit.models import AuditRecord
from msem.audit.services import audit_record_create
from msem.inquiries.dossier import inquiries_unassign_member
from msem.outbox.rows import OutboxStatus
from msem.schools.models import School


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    # False: the address already had an account (another school's, or another manager's invitation a moment before).
    account_created: bool
    # True: she has no password yet (a new account, or one still waiting for its first) and got the link to
    # choose it; False: she got the "access" e-mail and logs in with her usual password.
    link_sent: bool


def _member(membership: Membership) -> dict[str, str]:
    return {"email": membership.user.email, "name": membership.user.full_name, "role": membership.role}


def _locked_managers(school: School) -> list[int]:
    """The ids of the school's managers' memberships, locked: two removals at once can't both pass the guard."""
    return list(
        Membership.objects.for_school(school).select_for_update().filter(role=Role.MANAGER).values_list("pk", flat=True)
    )


def _refuse_leaving_without_manager(school: School, membership: Membership) -> None:
    if membership.is_manager and _locked_managers(school) == [membership.pk]:
        raise ValidationError(
            _("The school must keep at least one manager: make someone else a manager first."), code="last_manager"
        )


def _already_a_member(email: str) -> ValidationError:
    return ValidationError(_("%(email)s is already a member of the team.") % {"email": email}, code="member")


def _refuse_existing_account(school: School, user: User) -> None:
    if Membership.objects.for_school(school).filter(user=user).exists():
        raise _already_a_member(user.email)
    if not user.is_active:
        raise ValidationError(
            _("The account of %(email)s is deactivated: ask the platform's administrators.") % {"email": user.email},
            code="inactive",
        )


def _account_for_invitation(*, email: str, full_name: str, language: str) -> tuple[User, bool]:
    """Her account, and whether it was created now (without a password).

    Two managers may invite the same new address at the same instant: both find no
    account, the second one's insert meets the first one's on the unique address.
    Inside a savepoint the transaction survives that, and the second invitation goes
    on with the account that now exists, as for any address that had one.
    """
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=None, full_name=full_name, language=language), True
    except IntegrityError:
        user = User.objects.filter(email=email).first()
        if user is None:  # not the address that clashed: nothing to fall back on
            raise
        return user, False


@transaction.atomic
def membership_invite(
    *, school: School, actor: User, email: str, full_name: str, role: str, language: str
) -> Invitation:
    """Give an address access to the school.

    A new address gets an account without a password and the invitation e-mail
    (she chooses her password from its link). An address that already has an
    account gets the membership and an e-mail saying so: her password is never touched.
    """
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="invalid_role")
    email = email.strip().lower()
    user, created = _account_for_invitation(email=email, full_name=full_name.strip(), language=language)
    if not created:
        _refuse_existing_account(school, user)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(school=school, user=user, role=role)
    except IntegrityError as clash:
        # Another manager of the school gave her access between our check and this insert: one grant, one e-mail.
        raise _already_a_member(email) from clash
    link_sent = not user.has_usable_password()
    if link_sent:
        # A new account, or one still waiting for its first password (invited by another school): the link.
        invitation_send(user=user, sent_by=actor, school=school)
    else:
        access_granted_send(user=user, school=school, sent_by=actor)
    audit_record_create(
        school=school,
        actor=actor,
        action=AuditRecord.Action.MEMBER_INVITED,
        before={},
        after={**_member(membership), "account_created": created},
    )
    return Invitation(membership=membership, account_created=created, link_sent=link_sent)


def _membership(school: School, membership_id: int) -> Membership:
    """The school's membership, locked; another school's id is not found (Membership.DoesNotExist)."""
    return Membership.objects.for_school(school).select_for_update().select_related("user").get(pk=membership_id)


@transaction.atomic
def membership_invitation_resend(*, school: School, actor: User, membership_id: int) -> None:
    """A new invitation link for a member who has not chosen her password yet; the previous link dies."""
    membership = _membership(school, membership_id)
    latest = invitation_email_latest(school=school, email=membership.user.email)
    if latest is not None and latest.status in (OutboxStatus.QUEUED, OutboxStatus.SENDING):
        # A double click, or a resend while the mail server refuses: a new e-mail would not leave sooner,
        # and its link would end the one on its way. (The membership's row lock makes the check hold.)
        raise ValidationError(
            _("The invitation of %(name)s has not left yet: a new one would not leave sooner.")
            % {"name": membership.user},
            code="invitation_not_left",
        )
    try:
        invitation_send(user=membership.user, sent_by=actor, school=school)
    except InvitationRefused as refused:
        raise ValidationError(
            _("%(name)s has already chosen a password: they can log in, or use “Forgot your password?”.")
            % {"name": membership.user},
            code="not_pending",
        ) from refused


@transaction.atomic
def membership_grant_by_platform(
    *, school: School, administrator: User, user: User, role: str, account_created: bool = False
) -> Membership:
    """A platform administrator gives an existing account access to the school (Django's admin).

    No e-mail here: the admin invites a new account itself, after its memberships are saved.
    """
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="invalid_role")
    membership = Membership.objects.create(school=school, user=user, role=role)
    audit_record_create(
        school=school,
        actor=administrator,
        action=AuditRecord.Action.MEMBER_INVITED,
        before={},
        after={**_member(membership), "account_created": account_created},
        by_platform=True,
    )
    return membership


@transaction.atomic
def membership_role_set(
    *, school: School, actor: User, membership_id: int, role: str, by_platform: bool = False
) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="invalid_role")
    membership = _membership(school, membership_id)
    if membership.role == role:
        return membership
    if role != Role.MANAGER and not by_platform:
        _refuse_leaving_without_manager(school, membership)
    before = _member(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record_create(
        school=school,
        actor=actor,
        action=AuditRecord.Action.MEMBER_ROLE_CHANGED,
        before=before,
        after=_member(membership),
        by_platform=by_platform,
    )
    return membership


@dataclass(frozen=True)
class Removal:
    user: User
    unassigned: list[str]  # references of the open dossiers that are nobody's now
    sessions_ended: bool  # she had no other school: she is logged out everywhere


@transaction.atomic
def membership_remove(*, school: School, actor: User, membership_id: int, by_platform: bool = False) -> Removal:
    """She no longer works for the school: her membership goes, her account stays.

    The school's pages refuse her from her next request (every page checks the
    membership). With no school left, her sessions end too; with another
    school, they stay open for that one.
    """
    membership = _membership(school, membership_id)
    if not by_platform:
        _refuse_leaving_without_manager(school, membership)
    user = membership.user
    before = _member(membership)
    unassigned = inquiries_unassign_member(school=school, actor=actor, member=user)
    membership.delete()
    others = Membership.objects.filter(user=user).exists()  # her other schools
    if not others:
        user_sessions_end(user_ids=[user.pk])
    audit_record_create(
        school=school,
        actor=actor,
        action=AuditRecord.Action.MEMBER_REMOVED,
        before=before,
        after={"dossiers_unassigned": unassigned},
        by_platform=by_platform,
    )
    return Removal(user=user, unassigned=unassigned, sessions_ended=not others)
