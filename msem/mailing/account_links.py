"""The link of an invitation or password-reset e-mail leaves the outbox once it is no longer needed.

That link is a bearer token: whoever holds it chooses the user's password. The outbox keeps an
e-mail as it will be sent, so that a retry after an SMTP failure, or a worker that takes over a
dead one's rows, sends the same words under the same Message-ID: the link stays in the row for
as long as the e-mail may still leave, and no longer. In the transaction that marks it sent, or
failed for good, the link is replaced in its text and HTML by a translated placeholder; a
queued one whose link has expired meanwhile fails for good, and so loses it too. A database
dump, a backup or an admin page then holds no working link. A failed one is not put back in the
queue (there is nothing left to send): a new invitation, or a new reset request, makes a new link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from msem.mailing.models import ACCOUNT_LINK_EXPIRED, ACCOUNT_LINK_KINDS, OutgoingEmail

# The page each kind's link opens (msem/backoffice/urls.py).
_LINK_VIEWS: dict[str, str] = {
    OutgoingEmail.Kind.INVITATION: "backoffice:invitation_open",
    OutgoingEmail.Kind.PASSWORD_RESET: "backoffice:password_reset_confirm",
}


def account_link_lifetime(kind: str) -> timedelta:
    """How long the link of an e-mail of this kind works, from when it was written."""
    if kind == OutgoingEmail.Kind.INVITATION:
        return timedelta(hours=settings.MSEM_INVITATION_HOURS)
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


@cache
def _link_pattern(kind: str) -> re.Pattern[str]:
    """The link as it appears in the text or in an href: any base URL, then the page's path with its uid and token."""
    path = re.escape(reverse(_LINK_VIEWS[kind], kwargs={"uidb64": "UIDB64", "token": "TOKEN"}))
    part = r"[^/\s\"'<>]+"
    return re.compile(r"[^\s\"'<>]*" + path.replace("UIDB64", part).replace("TOKEN", part))


def account_link_removed(kind: str, text: str, placeholder: str) -> str:
    """The text with every link of this kind replaced by the placeholder (already escaped for HTML if need be)."""
    return _link_pattern(kind).sub(placeholder, text)


def account_link_placeholder(language: str, *, delivered: bool) -> str:
    with translation.override(language):
        if delivered:
            return gettext("[link removed after sending]")
        return gettext("[link removed: the e-mail was not delivered]")


def account_links_remove(emails: Iterable[OutgoingEmail], *, delivered: bool) -> None:
    """In the caller's transaction: the links of those of these e-mails that carry one give way to a placeholder."""
    for email in emails:
        if email.kind not in ACCOUNT_LINK_KINDS:
            continue
        placeholder = account_link_placeholder(email.language, delivered=delivered)
        email.text_body = account_link_removed(email.kind, email.text_body, placeholder)
        email.html_body = account_link_removed(email.kind, email.html_body, escape(placeholder))
        OutgoingEmail.objects.filter(pk=email.pk).update(text_body=email.text_body, html_body=email.html_body)


def account_link_expired(email: OutgoingEmail, *, now: datetime | None = None) -> bool:
    """The e-mail carries a link that no longer works: sending it would only bring a dead link."""
    if email.kind not in ACCOUNT_LINK_KINDS:
        return False
    return email.created_at + account_link_lifetime(email.kind) <= (now or timezone.now())


def account_links_expire(*, now: datetime | None = None) -> int:
    """Queued e-mails whose link has expired fail for good, and lose it; how many.

    A link dies MSEM_INVITATION_HOURS or PASSWORD_RESET_TIMEOUT after it was written; an e-mail still
    waiting then (the mail server refused it for an hour, the workers were down) can only bring a
    dead link, and must not keep a copy of it meanwhile. Rows being sent are their worker's: it finds
    the link expired itself before sending.
    """
    now = now or timezone.now()
    expired = 0
    for kind in ACCOUNT_LINK_KINDS:
        with transaction.atomic():
            rows = list(
                OutgoingEmail.objects.select_for_update(skip_locked=True).filter(
                    kind=kind, status=OutgoingEmail.Status.QUEUED, created_at__lte=now - account_link_lifetime(kind)
                )
            )
            if not rows:
                continue
            OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows], status=OutgoingEmail.Status.QUEUED).update(
                status=OutgoingEmail.Status.FAILED, lease_expires_at=None, leased_by="", last_error=ACCOUNT_LINK_EXPIRED
            )
            account_links_remove(rows, delivered=False)
            expired += len(rows)
    return expired
