from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msem.mailing.delivery import EMAILS
from msem.mailing.models import ACCOUNT_LINK_KINDS, OutgoingEmail
from msem.outbox.row_admin import OutboxRowAdmin
from msem.outbox.rows import OutboxStatus


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(OutboxRowAdmin):
    channel = EMAILS
    list_display = ["created_at", "school", "kind", "status", "attempts", "next_attempt_at", "short_error"]
    list_filter = ["status", "kind"]
    fields = ["school", "kind", "language", *OutboxRowAdmin.fields[1:]]

    @admin.action(description=_("Put the failed ones back in the queue"))
    def put_back_in_queue(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        # A failed invitation or reset lost its link (msem/mailing/account_links.py): sent again, it
        # would bring none. The Team page's "Send a new invitation", or a new reset request, makes a new one.
        without_link = queryset.filter(status=OutboxStatus.FAILED, kind__in=ACCOUNT_LINK_KINDS).count()
        if without_link:
            message = ngettext(
                "%(count)d invitation or password-reset e-mail was left out: its link was removed when it failed. "
                "Send a new invitation (Users, or the school's Team page), or ask the user to request a new link.",
                "%(count)d invitation or password-reset e-mails were left out: their links were removed when they "
                "failed. Send new invitations (Users, or the school's Team page), or ask the users to request new "
                "links.",
                without_link,
            )
            self.message_user(request, message % {"count": without_link}, messages.WARNING)
        super().put_back_in_queue(request, queryset.exclude(kind__in=ACCOUNT_LINK_KINDS))
