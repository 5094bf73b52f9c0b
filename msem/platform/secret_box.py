"""Small secrets encrypted at rest with a key derived from SECRET_KEY.

Used by two apps: the TOTP shared secrets (msem/accounts/two_factor.py) and each
school's 4807 token (msem/schools/models.py), hence its place in the platform.
A database dump, a backup or a read-only SQL injection then gives nothing that
generates codes or opens a school's 4807 account. AES-256-GCM (authenticated: an altered box does not open) from
the `cryptography` library, a random 96-bit nonce per box, and a key derived
from SECRET_KEY with HKDF-SHA256 for each purpose. The associated data binds a
box to its purpose and its owner: one user's (or school's) box copied onto
another's row does not open. Decryption also tries the keys of
SECRET_KEY_FALLBACKS, so a SECRET_KEY rotation done the Django way keeps every
box opening; `sealed_again` then moves a box to the current key.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from typing import TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Model, QuerySet

_VERSION = b"\x01"
_Row = TypeVar("_Row", bound=Model)
_Name = TypeVar("_Name")
_NONCE_BYTES = 12


class SecretBoxError(ValueError):
    """The box was not made with any of the current keys, for this purpose and owner, or it was altered."""


def _key(secret_key: str, purpose: str) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"msem.secret_box", info=purpose.encode())
    return kdf.derive(secret_key.encode())


def seal(plain: bytes, *, purpose: str, owner: str) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = AESGCM(_key(settings.SECRET_KEY, purpose)).encrypt(nonce, plain, f"{purpose}:{owner}".encode())
    return base64.urlsafe_b64encode(_VERSION + nonce + cipher).decode("ascii")


def open_box(box: str, *, purpose: str, owner: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(box.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise SecretBoxError("not a secret box") from error
    if len(raw) < 1 + _NONCE_BYTES + 16 or raw[:1] != _VERSION:
        raise SecretBoxError("not a secret box")
    nonce, cipher = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return AESGCM(_key(secret_key, purpose)).decrypt(nonce, cipher, f"{purpose}:{owner}".encode())
        except InvalidTag:
            continue
    raise SecretBoxError("no current key opens this box")


def opens_with_current_key(box: str, *, purpose: str, owner: str) -> bool:
    """False for a box sealed under a key now in SECRET_KEY_FALLBACKS: its owner's next use re-seals it."""
    raw = base64.urlsafe_b64decode(box.encode("ascii"))
    try:
        AESGCM(_key(settings.SECRET_KEY, purpose)).decrypt(
            raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :], f"{purpose}:{owner}".encode()
        )
    except InvalidTag:
        return False
    return True


def sealed_again(box: str, *, purpose: str, owner: str) -> str | None:
    """The same secret sealed under the current key, or None when the box already is.

    Raises SecretBoxError when no current key opens it: after a SECRET_KEY rotation, every
    box re-sealed this way no longer needs the old key in SECRET_KEY_FALLBACKS.
    """
    plain = open_box(box, purpose=purpose, owner=owner)
    if opens_with_current_key(box, purpose=purpose, owner=owner):
        return None
    return seal(plain, purpose=purpose, owner=owner)


def boxes_seal_again(
    rows: QuerySet[_Row], *, box_field: str, purpose: str, owner: Callable[[_Row], str], name: Callable[[_Row], _Name]
) -> tuple[int, list[_Name]]:
    """After a SECRET_KEY rotation: every box of these rows sealed under the current key, without waiting for a use.

    Returns how many were sealed again and the names of the rows whose box no key opens. Each
    update is conditional on the box read: a box written meanwhile (an enrolment, a token typed in
    the admin) is not overwritten by the old secret.
    """
    resealed, unreadable = 0, []
    for row in rows:
        box_read = getattr(row, box_field)
        try:
            box = sealed_again(box_read, purpose=purpose, owner=owner(row))
        except SecretBoxError:
            unreadable.append(name(row))
            continue
        if box is not None:
            resealed += rows.filter(pk=row.pk, **{box_field: box_read}).update(**{box_field: box})
    return resealed, unreadable
