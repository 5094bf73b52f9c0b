"""Small secrets encrypted at rest with a key derived from SECRET_KEY (the TOTP shared secrets).

A database dump, a backup or a read-only SQL injection then gives nothing that
generates codes. The construction uses only the standard library: a keystream
of HMAC-SHA-256 blocks over a random nonce and a counter (HMAC as a PRF in
counter mode), then an HMAC-SHA-256 tag over nonce and ciphertext
(encrypt-then-MAC), with separate keys for the two. Decryption also tries the
keys of SECRET_KEY_FALLBACKS, so a SECRET_KEY rotation done the Django way
keeps every second factor working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

_VERSION = b"\x01"
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SecretBoxError(ValueError):
    """The box was not made with any of the current keys, or it was altered."""


def _keys(secret_key: str, purpose: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(f"msem.secret_box:{purpose}:{secret_key}".encode()).digest()
    return (
        hmac.new(root, b"encryption", hashlib.sha256).digest(),
        hmac.new(root, b"authentication", hashlib.sha256).digest(),
    )


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = [
        hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range((length + 31) // 32)
    ]
    return b"".join(blocks)[:length]


def seal(plain: bytes, *, purpose: str) -> str:
    encryption_key, authentication_key = _keys(settings.SECRET_KEY, purpose)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(encryption_key, nonce, len(plain)), strict=True))
    tag = hmac.new(authentication_key, _VERSION + nonce + cipher, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(_VERSION + nonce + cipher + tag).decode("ascii")


def open_box(box: str, *, purpose: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(box.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise SecretBoxError("not a secret box") from error
    if len(raw) < 1 + _NONCE_BYTES + _TAG_BYTES or raw[:1] != _VERSION:
        raise SecretBoxError("not a secret box")
    nonce, cipher, tag = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES : -_TAG_BYTES], raw[-_TAG_BYTES:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        encryption_key, authentication_key = _keys(secret_key, purpose)
        expected = hmac.new(authentication_key, _VERSION + nonce + cipher, hashlib.sha256).digest()
        if hmac.compare_digest(expected, tag):
            stream = _keystream(encryption_key, nonce, len(cipher))
            return bytes(a ^ b for a, b in zip(cipher, stream, strict=True))
    raise SecretBoxError("no current key opens this box")
