"""Resetting a forgotten password by e-mail (ASVS 6.4.3).

The answer to "send me a link" never says whether the address has an account;
the requests are throttled per IP address and per address. The link carries a
token from Django's PasswordResetTokenGenerator: it dies after
PASSWORD_RESET_TIMEOUT, once the password has changed, and after a login.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from msem.accounts.models import Membership, User
from msem.accounts.services import user_sessions_end
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.staff_mail import staff_mail_render
from msem.platform.rate_limits import Limit, private_key, rate_limits_allow, rate_limits_hit
from msem.platform.security_events import email_digest, security_event


def _counters(*, email: str, ip_address: str) -> list[tuple[str, Limit]]:
    return [
        (private_key("password-reset-ip", ip_address), Limit.parse(settings.MSEM_PASSWORD_RESET_LIMIT_PER_IP)),
        (private_key("password-reset-email", email), Limit.parse(settings.MSEM_PASSWORD_RESET_LIMIT_PER_EMAIL)),
    ]


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.MSEM_BASE_URL + reverse("backoffice:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def password_reset_request(*, email: str, ip_address: str) -> bool:
    """Send a reset link if the address belongs to an active user; False only when throttled.

    The caller shows the same answer whether an e-mail went out or not.
    """
    email = email.strip().lower()
    counters = _counters(email=email, ip_address=ip_address)
    if not rate_limits_allow(counters):
        security_event(
            "password_reset.throttled", level=logging.WARNING, email_hash=email_digest(email), ip_address=ip_address
        )
        return False
    rate_limits_hit(counters)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        security_event("password_reset.unknown_address", email_hash=email_digest(email), ip_address=ip_address)
        return True
    # The outbox is school-scoped: the e-mail is filed under the user's first school.
    membership = Membership.objects.filter(user=user).select_related("school").order_by("pk").first()
    if membership is None:
        security_event("password_reset.no_school", user_id=user.pk, ip_address=ip_address)
        return True
    context = {
        "user": user,
        "url": password_reset_link(user),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    mail = staff_mail_render("password_reset", context, language=user.language, with_html=False)
    with transaction.atomic():
        email_enqueue(
            school=membership.school,
            kind=OutgoingEmail.Kind.PASSWORD_RESET,
            language=user.language,
            to_email=user.email,
            subject=mail.subject,
            text_body=mail.text,
        )
        security_event("password_reset.requested", user_id=user.pk, ip_address=ip_address)
    return True


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The user the link is for, if its token is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_done(*, user: User, ip_address: str) -> None:
    """After the new password is saved: every session of the user ends, and it is on record."""
    ended = user_sessions_end(user_ids=[user.pk])
    security_event("password_reset.completed", user_id=user.pk, ip_address=ip_address, sessions_ended=ended)
