"""Two-step verification: who must use it, enrolment, checking a code, recovery codes (ASVS 6.3.3, 6.5).

Services (every write, each with its security event) and the few reads the
pages need. The codes themselves are computed by msem/accounts/totp.py; the
shared secret is sealed at rest by msem/platform/secret_box.py.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import ScryptPasswordHasher
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from msem.accounts import totp
from msem.accounts.models import Role, User
from msem.accounts.two_factor_models import RecoveryCode, SecondFactor
from msem.platform.secret_box import SecretBoxError, boxes_seal_again, open_box, opens_with_current_key, seal
from msem.platform.security_events import security_event

EVERYONE = "everyone"
MANAGERS = "managers"
NOBODY = "nobody"
MODES = (EVERYONE, MANAGERS, NOBODY)

ISSUER = "Msem"
_SEAL_PURPOSE = "totp-secret"
# An enrolment not confirmed within this time starts again with a new secret.
ENROLMENT_MINUTES = 15

RECOVERY_CODES = 10
# No 0/O, 1/I: a code read from paper is typed right. 32 symbols, 5 bits each.
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# The slot digit, then 9 random symbols: 45 bits (ASVS 6.5.4 asks for 20 at least).
_RECOVERY_RANDOM = 9
# scrypt with Django's parameters and a random salt per code (ASVS 6.5.2); whatever
# PASSWORD_HASHERS says, so that a code is never stored with a weaker hash.
_hasher = ScryptPasswordHasher()


def two_factor_required(*, user: User) -> bool:
    """Must she log in with a second factor? MSEM_TWO_FACTOR_REQUIRED decides."""
    mode = settings.MSEM_TWO_FACTOR_REQUIRED
    if mode == EVERYONE:
        return True
    if mode == MANAGERS:
        return user.is_staff or user.is_superuser or user.memberships.filter(role=Role.MANAGER).exists()
    return False


def confirmed_second_factor(*, user: User) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret as a QR code, as grouped text and as a URI."""

    secret_grouped: str
    uri: str


def second_factor_enrolment_start(*, user: User) -> Enrolment:
    """A secret to add to her app; the same one while she enrols, a new one after ENROLMENT_MINUTES.

    The row stays unconfirmed (it does not count) until a first code confirms it.
    """
    if confirmed_second_factor(user=user) is not None:
        raise ValueError("this user already has a confirmed second factor")
    fresh_since = timezone.now() - timedelta(minutes=ENROLMENT_MINUTES)
    pending = SecondFactor.objects.filter(user=user, confirmed_at__isnull=True, created_at__gte=fresh_since).first()
    if pending is None:
        key = totp.random_secret()
        SecondFactor.objects.update_or_create(
            user=user,
            defaults={
                "sealed_secret": seal(key, purpose=_SEAL_PURPOSE, owner=str(user.pk)),
                "created_at": timezone.now(),
                "confirmed_at": None,
                "last_step": None,
                "last_used_at": None,
            },
        )
    else:
        key = open_box(pending.sealed_secret, purpose=_SEAL_PURPOSE, owner=str(user.pk))
    return Enrolment(
        secret_grouped=totp.secret_grouped(key), uri=totp.provisioning_uri(key, account=user.email, issuer=ISSUER)
    )


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for slot in range(RECOVERY_CODES):
        code = str(slot) + "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_RANDOM))
        RecoveryCode.objects.create(user=user, slot=slot, code_hash=_hasher.encode(code, _hasher.salt()))
        codes.append(f"{code[:5]}-{code[5:]}")
    return codes


@transaction.atomic
def second_factor_enrolment_confirm(*, user: User, code: str) -> list[str] | None:
    """Her first code confirms the app: the factor counts from now on. Her recovery codes (to show once), or None."""
    factor = SecondFactor.objects.filter(user=user, confirmed_at__isnull=True).first()
    if factor is None:
        return None
    key = open_box(factor.sealed_secret, purpose=_SEAL_PURPOSE, owner=str(factor.user_id))
    step = totp.matching_step(key, code, after_step=None)
    if step is None:
        security_event("two_factor.enrolment_failed", level=logging.WARNING, user_id=user.pk)
        return None
    now = timezone.now()
    factor.confirmed_at = now
    factor.last_step = step
    factor.last_used_at = now
    factor.save(update_fields=["confirmed_at", "last_step", "last_used_at"])
    codes = _new_recovery_codes(user)
    security_event("two_factor.enrolled", level=logging.WARNING, user_id=user.pk)
    return codes


def _totp_accept(factor: SecondFactor, code: str) -> bool:
    try:
        key = open_box(factor.sealed_secret, purpose=_SEAL_PURPOSE, owner=str(factor.user_id))
    except SecretBoxError:
        # Its SECRET_KEY was removed from the fallbacks too early: her recovery codes still work.
        security_event("two_factor.secret_unreadable", level=logging.ERROR, user_id=factor.user_id)
        return False
    step = totp.matching_step(key, code, after_step=factor.last_step)
    if step is None:
        return False
    # A conditional update: of two requests with the same code at once, one wins (ASVS 6.5.1).
    won = (
        SecondFactor.objects.filter(pk=factor.pk)
        .filter(Q(last_step__isnull=True) | Q(last_step__lt=step))
        .update(last_step=step, last_used_at=timezone.now())
    )
    owner = str(factor.user_id)
    if won and not opens_with_current_key(factor.sealed_secret, purpose=_SEAL_PURPOSE, owner=owner):
        # Sealed before a SECRET_KEY rotation: sealed again under the new key, so the old one can go.
        SecondFactor.objects.filter(pk=factor.pk).update(sealed_secret=seal(key, purpose=_SEAL_PURPOSE, owner=owner))
    return won == 1


def normalized_recovery_code(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper()


def _recovery_accept(user: User, code: str) -> bool:
    if len(code) != 1 + _RECOVERY_RANDOM or not code.isascii() or not code[0].isdigit():
        return False
    row = RecoveryCode.objects.filter(user=user, slot=int(code[0]), used_at__isnull=True).first()
    if row is None or not _hasher.verify(code, row.code_hash):
        return False
    return RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


def second_factor_verify(*, user: User, code: str) -> str | None:
    """'totp' or 'recovery' when the code is good (and now used up), None otherwise. Never raises on bad input."""
    factor = confirmed_second_factor(user=user)
    if factor is None:
        return None
    text = "".join(code.split())
    if len(text) == totp.DIGITS and text.isascii() and text.isdigit():
        return "totp" if _totp_accept(factor, text) else None
    if _recovery_accept(user, normalized_recovery_code(text)):
        left = recovery_codes_left(user=user)
        security_event("two_factor.recovery_code_used", level=logging.WARNING, user_id=user.pk, codes_left=left)
        return "recovery"
    return None


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new codes, to show once; the old ones stop working."""
    if confirmed_second_factor(user=user) is None:
        raise ValueError("no confirmed second factor")
    codes = _new_recovery_codes(user)
    security_event("two_factor.recovery_codes_regenerated", level=logging.WARNING, user_id=user.pk)
    return codes


@transaction.atomic
def second_factor_remove(*, user: User, by: User | None = None) -> bool:
    """Her second factor and recovery codes go: by herself (turned off) or by an administrator (reset)."""
    deleted, _kinds = SecondFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if by is None or by.pk == user.pk:
        security_event("two_factor.disabled", level=logging.WARNING, user_id=user.pk)
    else:
        security_event("two_factor.reset", level=logging.WARNING, user_id=by.pk, target_user_id=user.pk)
    return bool(deleted)


def second_factors_seal_again() -> tuple[int, list[int]]:
    """After a SECRET_KEY rotation: every TOTP secret sealed under the current key, without waiting for a login.

    Returns how many were sealed again and the ids of the users whose secret no key opens
    (their recovery codes, or a reset).
    """
    return boxes_seal_again(
        SecondFactor.objects.only("pk", "user_id", "sealed_secret"),
        box_field="sealed_secret",
        purpose=_SEAL_PURPOSE,
        owner=lambda factor: str(factor.user_id),
        name=lambda factor: factor.user_id,
    )
