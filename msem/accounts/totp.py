"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): what an authenticator app shows.

SHA-1, 6 digits, 30-second steps: the parameters every authenticator app
(Google Authenticator, Microsoft Authenticator, FreeOTP, 1Password …) assumes
when the otpauth:// URI does not say otherwise. No state here: the caller
keeps the last accepted step, so that a code works once (ASVS 6.5.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
# One step either side: a phone's clock a little off, or a code typed as it changes.
TOLERANCE_STEPS = 1
# 160 bits, the size RFC 4226 recommends (and the HMAC-SHA-1 block's natural key).
SECRET_BYTES = 20


def random_secret() -> bytes:
    """A new shared secret from the operating system's CSPRNG (ASVS 6.5.3)."""
    return secrets.token_bytes(SECRET_BYTES)


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226, section 5.3: HMAC of the counter, dynamic truncation, the last `digits` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def totp(key: bytes, at: float | None = None, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(key, time_step(at), digits=digits, digest=digest)


def matching_step(key: bytes, code: str, *, after_step: int | None, at: float | None = None) -> int | None:
    """The time step whose code is `code`, within the tolerance and later than `after_step`; else None.

    Every candidate is compared in constant time, and a step at or before
    `after_step` (the last one accepted) never matches: a code seen once
    (over a shoulder, in a proxy's log) cannot be replayed, nor can an older one.
    """
    # isdigit() alone would take other scripts' digits (for example "١٢٣٤٥٦"), which compare_digest refuses.
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    now = time_step(at)
    found = None
    for step in range(now - TOLERANCE_STEPS, now + TOLERANCE_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), code) and (after_step is None or step > after_step):
            found = step
    return found


def secret_text(key: bytes) -> str:
    """The secret in base32 without padding, as authenticator apps take it typed in."""
    return base64.b32encode(key).decode("ascii").rstrip("=")


def secret_grouped(key: bytes) -> str:
    """The base32 secret in groups of four, easier to read and type: 'ABCD EFGH …'."""
    text = secret_text(key)
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


def provisioning_uri(key: bytes, *, account: str, issuer: str) -> str:
    """The otpauth:// URI of Google Authenticator's key-URI format, which the QR code carries."""
    label = quote(f"{issuer}:{account}", safe="@:")
    parameters = {
        "secret": secret_text(key),
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": DIGITS,
        "period": STEP_SECONDS,
    }
    return f"otpauth://totp/{label}?{urlencode(parameters, quote_via=quote)}"
