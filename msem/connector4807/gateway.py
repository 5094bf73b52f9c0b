"""Talking to 4807: one small interface, two backends.

The HTTP backend speaks the contract of docs/4807-connector.md to a 4807
gateway (MSEM_4807_URL, a bearer token per school). The embedded backend,
used when no gateway is configured, keeps everything in Msem: catalogs are
those imported with import_catalog, sales go to a local ledger exported as
CSV for entry into 4807 by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from msem.connector4807.models import LedgerEntry
from msem.outbox.errors import DeliveryError
from msem.schools.models import ConnectorTokenUnreadable, School
from msem.schools.services import document_number_next

LEDGER_SERIES = "LED"

logger = logging.getLogger(__name__)


def ledger_number(*, year: int, number: int) -> str:
    """A sale's number in the embedded ledger: LED-2026-00001."""
    return f"{LEDGER_SERIES}-{year}-{number:05d}"


class GatewayUnreachable(Exception):
    """4807 did not answer (down, timeout, or an error of its own): try again later."""


@dataclass(frozen=True)
class Account:
    code: str
    name: str


@dataclass(frozen=True)
class RemoteProduct:
    """A product of a 4807 price list, as the import service reads rows (all text)."""

    values: dict[str, str]


class Gateway(Protocol):
    verifies_codes: bool

    def account_lookup(self, code: str) -> Account | None:
        """The account of a catalog code; None when 4807 does not know it. Raises GatewayUnreachable."""

    def products(self, code: str | None) -> list[RemoteProduct]:
        """The products and prices of a price list (None: the public one). Raises GatewayUnreachable."""

    def sale_record(self, *, payload: dict[str, Any], idempotency_key: str) -> str:
        """Record a sale once per key; returns its id in 4807. Raises DeliveryError."""


class HttpGateway:
    """The production backend: 4807's gateway over HTTPS, TLS verified, with timeouts."""

    verifies_codes = True

    def __init__(self, *, base_url: str, token: str, connect_timeout: float = 3, read_timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        # The environment (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE) read once for the session, not at
        # every call as requests does by default (it also looks for a ~/.netrc each time).
        environment = self.session.merge_environment_settings(self.base_url, {}, None, None, None)
        self.session.proxies.update(environment["proxies"])
        self.session.verify = environment["verify"]
        self.session.trust_env = False

    def close(self) -> None:
        self.session.close()

    def _get(self, path: str) -> requests.Response:
        try:
            # No redirect is followed (ASVS 15.3.2): 4807 never sends one, and a request carrying
            # the school's token must not be walked to an address nobody configured.
            response = self.session.get(f"{self.base_url}{path}", timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            raise GatewayUnreachable(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 500 or response.status_code in (401, 403, 429) or response.is_redirect:
            raise GatewayUnreachable(f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    def account_lookup(self, code: str) -> Account | None:
        response = self._get(f"/accounts/{requests.utils.quote(code, safe='')}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise GatewayUnreachable(f"HTTP {response.status_code}: {response.text[:200]}")
        body = response.json()
        return Account(code=str(body["code"]), name=str(body.get("name", "")))

    def products(self, code: str | None) -> list[RemoteProduct]:
        path = (
            "/catalogs/public/products" if code is None else f"/catalogs/{requests.utils.quote(code, safe='')}/products"
        )
        response = self._get(path)
        if response.status_code != 200:
            raise GatewayUnreachable(f"HTTP {response.status_code}: {response.text[:200]}")
        return [
            RemoteProduct(values={key: "" if value is None else str(value) for key, value in item.items()})
            for item in response.json()["products"]
        ]

    def sale_record(self, *, payload: dict[str, Any], idempotency_key: str) -> str:
        try:
            response = self.session.post(
                f"{self.base_url}/sales",
                json=payload,
                headers={"Idempotency-Key": idempotency_key},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            # Refused, dropped or timed out: 4807 may or may not have recorded
            # the sale; the same key makes the next try safe either way.
            raise DeliveryError(f"{type(error).__name__}: {error}", permanent=False) from error
        status = response.status_code
        if status in (200, 201):
            return str(response.json()["id"])
        detail = f"HTTP {status}: {response.text[:500]}"
        if status == 429:
            raise DeliveryError(detail, permanent=False, code=status, retry_after=_retry_after(response))
        if status >= 500:
            raise DeliveryError(detail, permanent=False, code=status, retry_after=_retry_after(response))
        # 4xx: the request itself is wrong (validation, a reused key, a bad token): retrying cannot help.
        raise DeliveryError(detail, permanent=True, code=status)


def _retry_after(response: requests.Response) -> timedelta | None:
    value = response.headers.get("Retry-After", "")
    return timedelta(seconds=int(value)) if value.isdigit() else None


class EmbeddedGateway:
    """Without a 4807 gateway: local catalogs, and a ledger of sales to enter into 4807 by hand."""

    verifies_codes = False

    def __init__(self, *, school: School) -> None:
        self.school = school

    def account_lookup(self, code: str) -> Account | None:
        raise GatewayUnreachable("no 4807 gateway is configured (embedded mode)")

    def products(self, code: str | None) -> list[RemoteProduct]:
        raise GatewayUnreachable("no 4807 gateway is configured (embedded mode)")

    def sale_record(self, *, payload: dict[str, Any], idempotency_key: str) -> str:
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing.number
        try:
            with transaction.atomic():
                year = timezone.localdate().year
                number = document_number_next(school=self.school, series=LEDGER_SERIES, year=year)
                entry = LedgerEntry.objects.create(
                    school=self.school,
                    idempotency_key=idempotency_key,
                    number=ledger_number(year=year, number=number),
                    payload=payload,
                )
        except IntegrityError:
            # The same push recorded at the same moment by another worker.
            return LedgerEntry.objects.get(idempotency_key=idempotency_key).number
        return entry.number


class UnreadableTokenGateway:
    """A school whose 4807 token no current key opens: nothing is sent to 4807 until it is entered again.

    Neither the platform's token nor the garbage of a box opened wrong: every call fails, with a
    reason the sale push records, and the pushes wait (retried with backoff) for the token.
    """

    verifies_codes = True

    def __init__(self, *, school: School) -> None:
        self.reason = (
            f"the 4807 token of school {school.slug} cannot be read (SECRET_KEY changed without the old key "
            "in SECRET_KEY_FALLBACKS): a platform administrator must enter it again in the admin"
        )

    def account_lookup(self, code: str) -> Account | None:
        raise GatewayUnreachable(self.reason)

    def products(self, code: str | None) -> list[RemoteProduct]:
        raise GatewayUnreachable(self.reason)

    def sale_record(self, *, payload: dict[str, Any], idempotency_key: str) -> str:
        # Not permanent: once the token is typed again, the next try goes through without anyone's help.
        raise DeliveryError(self.reason, permanent=False)


def gateway_configured() -> bool:
    """Whether a 4807 gateway is configured: without one, catalog codes cannot be checked."""
    return bool(settings.MSEM_4807_URL)


def gateway_for(school: School) -> Gateway:
    if gateway_configured():
        try:
            token = school.connector_token_get() or settings.MSEM_4807_TOKEN
        except ConnectorTokenUnreadable:
            gateway = UnreadableTokenGateway(school=school)
            logger.error("%s", gateway.reason)
            return gateway
        return HttpGateway(
            base_url=settings.MSEM_4807_URL,
            token=token,
            connect_timeout=settings.MSEM_4807_CONNECT_TIMEOUT,
            read_timeout=settings.MSEM_4807_READ_TIMEOUT,
        )
    return EmbeddedGateway(school=school)
