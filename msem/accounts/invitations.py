"""Inviting a new member of staff to choose her own password (ASVS 6.4.1).

Nobody types a first password for someone else: the account is created with an
unusable password and its owner receives, through the outbox, a link where she
chooses one. The link is a token of its own kind (a reset token does not open the
invitation page, nor the reverse) built like Django's reset tokens: it dies after
MSEM_INVITATION_HOURS, once she has chosen a password, after a login, and when a
new invitation is sent (the unusable password is drawn again, so the old token's
hash no longer matches).
"""

from __future__ import annotations

import logging
from email.utils import formataddr

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from msem.accounts.models import Membership, User
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.staff_mail import staff_mail_render
from msem.platform.security_events import security_event
from msem.schools.models import School


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "msem.accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        """Django's check, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.MSEM_INVITATION_HOURS * 3600


invitation_tokens = InvitationTokenGenerator()


class InvitationRefused(Exception):
    """The user cannot be invited; the message says why, for the administrator."""


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return settings.MSEM_BASE_URL + reverse("backoffice:invitation_open", kwargs={"uidb64": uid, "token": token})


def invitation_send(*, user: User, sent_by: User | None, school: School | None = None) -> OutgoingEmail:
    """Queue an invitation e-mail to a user who has no password yet; any earlier link of hers dies.

    The e-mail names `school` and is filed under it (a manager inviting her to her own school);
    without one, under the user's first school (the platform's administrators). Raises
    InvitationRefused when she already has a password (she uses "Forgot your password?"), is
    deactivated, or is not a member of the school (or of any).
    """
    if not user.is_active:
        raise InvitationRefused("inactive")
    if user.has_usable_password():
        raise InvitationRefused("has_password")
    # The outbox is school-scoped: the e-mail is filed under the inviting school, or her first one.
    memberships = Membership.objects.filter(user=user).select_related("school").order_by("pk")
    if school is not None:
        memberships = memberships.filter(school=school)
    membership = memberships.first()
    if membership is None:
        raise InvitationRefused("no_school")
    with transaction.atomic():
        user.set_unusable_password()  # a new random marker: the previous invitation's link no longer matches
        user.save(update_fields=["password"])
        # A colleague of the school who invites her is named, and her reply goes to that colleague: an
        # account opened by nobody known reads like phishing. The platform's administrators are not named.
        invited_by = (
            sent_by
            if sent_by is not None and Membership.objects.filter(user=sent_by, school=membership.school).exists()
            else None
        )
        context = {
            "user": user,
            "school": membership.school,
            "invited_by": invited_by,
            "url": invitation_link(user),
            "hours": settings.MSEM_INVITATION_HOURS,
            "login_url": settings.MSEM_BASE_URL + reverse("backoffice:login"),
        }
        mail = staff_mail_render("invitation", context, language=user.language)
        email = email_enqueue(
            school=membership.school,
            kind=OutgoingEmail.Kind.INVITATION,
            language=user.language,
            to_email=user.email,
            reply_to=formataddr((invited_by.full_name, invited_by.email)) if invited_by is not None else "",
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
        )
        security_event(
            "invitation.sent",
            user_id=user.pk,
            sent_by=sent_by.pk if sent_by is not None else None,
            school_id=membership.school_id,
            hours=settings.MSEM_INVITATION_HOURS,
        )
    return email


def invitation_user(uidb64: str, token: str) -> User | None:
    """The user the invitation link is for, if its token is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password() or not invitation_tokens.check_token(user, token):
        return None
    return user


def invitation_accepted(*, user: User, ip_address: str) -> None:
    """After she has saved her password: on record (the token is dead, her password hash changed)."""
    security_event("invitation.accepted", level=logging.INFO, user_id=user.pk, ip_address=ip_address)


def access_granted_send(*, user: User, school: School, sent_by: User) -> OutgoingEmail:
    """Tell someone who already has an account that she now works for one more school.

    Her password is hers and stays untouched: the e-mail only names the school
    and the login page (no link that opens the account). In the caller's transaction.
    """
    context = {
        "user": user,
        "school": school,
        "login_url": settings.MSEM_BASE_URL + reverse("backoffice:login"),
    }
    mail = staff_mail_render("access_granted", context, language=user.language)
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.ACCESS_GRANTED,
        language=user.language,
        to_email=user.email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
    )
    security_event("access_granted.sent", user_id=user.pk, sent_by=sent_by.pk, school_id=school.pk)
    return email
