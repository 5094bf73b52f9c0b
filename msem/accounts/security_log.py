"""The accounts' security events (msem/platform/security_events.py): logins, logouts, privileges.

Django's auth signals cover every way in and out (the back-office login, the
admin, the test client's force_login aside); the privilege changes are seen on
save, whoever saves (the admin, a shell, a data migration).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from msem.accounts.models import Membership, User
from msem.platform.security_events import email_digest, request_fields, security_event

# What makes a user more (or less) powerful; `password` is its hash, never logged, only "changed".
_PRIVILEGES = ("is_active", "is_staff", "is_superuser", "password")


def _where(request: HttpRequest | None) -> dict[str, Any]:
    return request_fields(request) if request is not None else {}


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # "password", or "password+totp" / "password+recovery" after the second step (two_factor_pending.py).
    method = getattr(request, "msem_login_method", "password")
    security_event("login.succeeded", **{**_where(request), "user_id": user.pk, "method": method})


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the address is kept, hashed.
    email = str(credentials.get("email") or credentials.get("username") or "")
    security_event("login.failed", level=logging.WARNING, email_hash=email_digest(email), **_where(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    security_event("logout", **{**_where(request), "user_id": user.pk if user is not None else None})


@receiver(pre_save, sender=User)
def _privileges_changed(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    watched = [name for name in _PRIVILEGES if update_fields is None or name in update_fields]
    if instance.pk is None or not watched:
        return  # a new account is logged by post_save; `last_login` alone is not a privilege
    before = User.objects.filter(pk=instance.pk).values(*watched).first()
    if before is None:
        return
    changed = sorted(name for name in watched if before[name] != getattr(instance, name))
    if "password" in changed and not is_password_usable(before["password"]) and not instance.has_usable_password():
        # A new unusable marker (an invitation sent, the first one right after the account is created)
        # only voids earlier invitation links: she had no password and still has none.
        changed.remove("password")
    if changed:
        values = {name: getattr(instance, name) for name in changed if name != "password"}
        security_event("user.changed", level=logging.WARNING, target_user_id=instance.pk, changed=changed, **values)


@receiver(post_save, sender=User)
def _user_created(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if created:
        security_event(
            "user.created",
            level=logging.WARNING,
            target_user_id=instance.pk,
            is_staff=instance.is_staff,
            is_superuser=instance.is_superuser,
        )


@receiver(post_save, sender=Membership)
def _membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    security_event(
        "membership.granted" if created else "membership.changed",
        level=logging.WARNING,
        target_user_id=instance.user_id,
        school_id=instance.school_id,
        role=instance.role,
    )


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    security_event(
        "membership.removed", level=logging.WARNING, target_user_id=instance.user_id, school_id=instance.school_id
    )
