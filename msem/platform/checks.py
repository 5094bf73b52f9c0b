"""`manage.py check --deploy` refuses a production that would talk to its backends in clear (ASVS 12.3.1),
that would give out links to an address nobody can reach, or whose payments would not be real ones.

The web page is HTTPS end to end; the e-mails to clients, the database's rows and the
4807 token must not cross the network in clear either. A backend on this machine
(loopback, Unix socket) needs no TLS. The platform's own address (`MSEM_BASE_URL`) is
in every link it gives: the dossier's in a notification, the client's quote and
payment pages, the code a school pastes into its website.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

_LOCAL = {"", "localhost", "127.0.0.1", "::1"}
_VERIFYING_SSLMODES = {"require", "verify-ca", "verify-full"}


def _local(host: str | None) -> bool:
    return not host or host in _LOCAL or host.startswith("/")


@register(Tags.security, deploy=True)
def backends_over_tls(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if (
        settings.EMAIL_HOST
        and not _local(settings.EMAIL_HOST)
        and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL)
    ):
        found.append(
            CheckWarning(
                "E-mail goes to EMAIL_HOST without TLS.",
                hint=(
                    "Set EMAIL_USE_TLS=true (STARTTLS) or EMAIL_USE_SSL=true (TLS from the start, port 465); "
                    "the server's certificate is then verified."
                ),
                id="msem.W001",
            )
        )
    database = settings.DATABASES["default"]
    if (
        database["ENGINE"] == "django.db.backends.postgresql"
        and not _local(database.get("HOST"))
        and database.get("OPTIONS", {}).get("sslmode") not in _VERIFYING_SSLMODES
    ):
        found.append(
            CheckWarning(
                "The database is reached over the network without TLS.",
                hint="Add ?sslmode=verify-full (or require) to DATABASE_URL.",
                id="msem.W002",
            )
        )
    gateway = urlsplit(settings.MSEM_4807_URL)
    if settings.MSEM_4807_URL and (gateway.scheme not in ("http", "https") or not gateway.hostname):
        # Without a scheme it has no host either, and would pass for a local one below; each call would fail.
        found.append(
            CheckWarning(
                f"MSEM_4807_URL is {settings.MSEM_4807_URL!r}: not an address Msem can call.",
                hint="Write the gateway's whole base URL, e.g. https://gateway.4807.example/api/v1.",
                id="msem.W005",
            )
        )
    elif settings.MSEM_4807_URL and gateway.scheme != "https" and not _local(gateway.hostname):
        found.append(
            CheckWarning(
                "The 4807 gateway is reached over plain HTTP: its token would cross the network in clear.",
                hint="Use an https:// address in MSEM_4807_URL.",
                id="msem.W003",
            )
        )
    return found


@register(Tags.security, deploy=True)
def public_address(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    base = urlsplit(settings.MSEM_BASE_URL)
    if base.scheme == "https" and not _local(base.hostname):
        return []
    return [
        CheckWarning(
            f"MSEM_BASE_URL is {settings.MSEM_BASE_URL!r}: the links in e-mails (dossiers, quotes, payments) "
            "and the contact form's code for schools' websites would lead there.",
            hint="Set MSEM_BASE_URL to the platform's public https:// address, e.g. https://msem.example.com.",
            id="msem.W004",
        )
    ]


@register(Tags.security, deploy=True)
def payments(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if settings.MSEM_PAYMENT_SANDBOX or settings.MSEM_DEMO:
        # The sandbox's "pay" button marks a quote paid without money, and the sale goes to 4807.
        found.append(
            CheckWarning(
                "The demo is on (MSEM_DEMO or MSEM_PAYMENT_SANDBOX): any client could pay a quote with pretend money.",
                hint="Set MSEM_DEMO=false and MSEM_PAYMENT_SANDBOX=false (or leave them unset with DEBUG off).",
                id="msem.W006",
            )
        )
    if settings.MSEM_STRIPE_SECRET_KEY and not settings.MSEM_STRIPE_WEBHOOK_SECRET:
        found.append(
            CheckWarning(
                "MSEM_STRIPE_SECRET_KEY is set without MSEM_STRIPE_WEBHOOK_SECRET: clients could pay by card, "
                "but every webhook from Stripe would be refused and no payment recorded.",
                hint="Set MSEM_STRIPE_WEBHOOK_SECRET to the signing secret (whsec_…) of the webhook's endpoint.",
                id="msem.W007",
            )
        )
    return found


@register(Tags.security, deploy=True)
def client_addresses(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # With DEBUG off, Msem trusts a proxy's X-Forwarded-Proto: there is a proxy. Counted as none, every
    # client has its address, and the public form's per-IP limit (10 an hour) is the whole platform's.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.MSEM_TRUSTED_PROXY_COUNT <= 0:
        return [
            CheckWarning(
                "MSEM_TRUSTED_PROXY_COUNT is 0 behind an HTTPS proxy: every client would have the proxy's address, "
                "and share its rate limits (the contact forms of every school refused after a few requests).",
                hint="Set MSEM_TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (often 1).",
                id="msem.W008",
            )
        ]
    return []
