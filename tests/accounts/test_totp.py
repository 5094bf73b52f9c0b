"""The code computation (RFC 4226 and RFC 6238 test vectors) and the sealing of the shared secret."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from msem.accounts import totp
from msem.platform.secret_box import SecretBoxError, open_box, seal

RFC4226_KEY = b"12345678901234567890"
# RFC 4226, appendix D: HOTP values for counters 0 to 9.
RFC4226_CODES = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]

# RFC 6238, appendix B: 8-digit TOTP with the seed for each hash function.
RFC6238_KEYS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226_CODES)))
def test_hotp_gives_the_codes_of_rfc_4226(counter, expected):
    assert totp.hotp(RFC4226_KEY, counter) == expected


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238)
def test_totp_gives_the_codes_of_rfc_6238(at, sha1, sha256, sha512):
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.totp(RFC6238_KEYS[digest], at, digits=8, digest=digest) == expected


def test_the_app_codes_are_six_digits_of_sha1_over_30_seconds():
    # RFC 6238's SHA-1 value at T=59 is 94287082: its last six digits are what an app shows.
    assert totp.totp(RFC6238_KEYS["sha1"], 59) == "287082"
    assert totp.time_step(59) == 1
    assert totp.time_step(60) == 2


class TestMatching:
    key = RFC6238_KEYS["sha1"]
    now = 1_111_111_111.0  # in step 37037037

    def test_the_current_code_and_one_step_either_side_are_accepted(self):
        step = totp.time_step(self.now)
        for offset in (-1, 0, 1):
            code = totp.hotp(self.key, step + offset)
            assert totp.matching_step(self.key, code, after_step=None, at=self.now) == step + offset

    def test_two_steps_away_is_refused(self):
        step = totp.time_step(self.now)
        for offset in (-2, 2):
            assert (
                totp.matching_step(self.key, totp.hotp(self.key, step + offset), after_step=None, at=self.now) is None
            )

    def test_a_code_of_the_last_accepted_step_or_before_is_refused(self):
        step = totp.time_step(self.now)
        code = totp.hotp(self.key, step)
        assert totp.matching_step(self.key, code, after_step=step, at=self.now) is None
        assert totp.matching_step(self.key, totp.hotp(self.key, step - 1), after_step=step - 1, at=self.now) is None
        assert totp.matching_step(self.key, code, after_step=step - 1, at=self.now) == step

    @pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456", "١٢٣٤٥٦"])
    def test_anything_but_six_digits_is_refused(self, code):
        assert totp.matching_step(self.key, code, after_step=None, at=self.now) is None


def test_a_new_secret_is_160_random_bits():
    secrets = {totp.random_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(secret) == 20 for secret in secrets)


def test_the_uri_and_the_text_that_the_apps_read():
    key = RFC6238_KEYS["sha1"]
    uri = totp.provisioning_uri(key, account="anna@valneige.test", issuer="Msem")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/Msem:anna@valneige.test")
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query == {
        "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "issuer": "Msem",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }
    assert base64.b32decode(query["secret"]) == key
    assert totp.secret_grouped(key) == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


class TestSecretBox:
    def test_a_sealed_secret_opens_to_itself_and_shows_nothing_of_it(self):
        key = totp.random_secret()
        box = seal(key, purpose="totp-secret", owner="7")
        assert open_box(box, purpose="totp-secret", owner="7") == key
        assert totp.secret_text(key) not in box
        assert key not in base64.urlsafe_b64decode(box)
        assert seal(key, purpose="totp-secret", owner="7") != box  # a new nonce each time

    def test_an_altered_box_another_purpose_or_another_owner_does_not_open(self):
        box = seal(b"x" * 20, purpose="totp-secret", owner="7")
        raw = bytearray(base64.urlsafe_b64decode(box))
        raw[20] ^= 1
        with pytest.raises(SecretBoxError):
            open_box(base64.urlsafe_b64encode(bytes(raw)).decode(), purpose="totp-secret", owner="7")
        with pytest.raises(SecretBoxError):
            open_box(box, purpose="something-else", owner="7")
        with pytest.raises(SecretBoxError):
            open_box(box, purpose="totp-secret", owner="8")  # copied onto another user's row
        with pytest.raises(SecretBoxError):
            open_box("not a box", purpose="totp-secret", owner="7")

    def test_another_secret_key_does_not_open_it_unless_it_is_a_fallback(self, settings):
        box = seal(b"y" * 20, purpose="totp-secret", owner="7")
        old_key = settings.SECRET_KEY
        settings.SECRET_KEY = "a-rotated-secret-key-for-this-test-only"
        with pytest.raises(SecretBoxError):
            open_box(box, purpose="totp-secret", owner="7")
        settings.SECRET_KEY_FALLBACKS = [old_key]
        assert open_box(box, purpose="totp-secret", owner="7") == b"y" * 20
