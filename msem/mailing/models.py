from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.outbox.rows import AttemptOutcome, OutboxAttempt, OutboxRow, OutboxStatus
from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet

SUBJECT_LINE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class MailKind(models.TextChoices):
    """The default texts a school edits in "Contenu des mails (par défaut)"."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Contact - Acknowledgement of receipt")
    SIGNATURE = "signature", _("Signature")
    QUOTE = "quote", _("Sending a quote")
    PAYMENT_REQUEST = "payment_request", _("Payment request")


# The signature is appended to the others: it has no subject line of its own.
KINDS_WITH_SUBJECT_LINE = (MailKind.ACKNOWLEDGEMENT, MailKind.QUOTE, MailKind.PAYMENT_REQUEST)


class MailTemplate(SchoolScopedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=MailKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=[("fr", "FR"), ("en", "EN")])
    subject = models.CharField(_("subject line"), max_length=SUBJECT_LINE_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "language"], name="mailtemplate_unique_kind_language"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class OutgoingEmail(OutboxRow):
    """One e-mail in the outbox: written in the transaction that causes it, sent by the worker.

    Nothing is sent inside a web request. See msem/outbox/worker.py for how a
    worker claims it, retries it, and takes it over from a worker that died.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("New request notification")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
        TEST = "test", _("Test e-mail")
        REPLY = "reply", _("Reply to the client")
        QUOTE = "quote", _("Quote")
        PAYMENT_REQUEST = "payment_request", _("Payment request")
        PAYMENT_RECEIPT = "payment_receipt", _("Payment receipt")
        QUOTE_ACCEPTED = "quote_accepted", _("Confirmation to the client: quote accepted")
        CLIENT_ACTION = "client_action", _("Notice to the school: quote accepted or payment received")
        ALERT = "alert", _("Alert to the managers")
        PASSWORD_RESET = "password_reset", _("Password reset link")
        INVITATION = "invitation", _("Invitation to choose a password")
        ACCESS_GRANTED = "access_granted", _("Access to the school's back office")

    Status = OutboxStatus

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2)
    from_email = models.CharField(max_length=320)
    to_email = models.EmailField(max_length=254)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=200, unique=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_lease"),
            models.Index(fields=["school", "-created_at"], name="outbox_school_recent"),
            # The e-mails page: the school's failed ones counted on every view, and a status's newest first.
            models.Index(fields=["school", "status", "-created_at"], name="outbox_school_status_recent"),
            models.Index(fields=["to_email", "kind", "created_at"], name="outbox_recipient_kind"),
        ]

    def __str__(self) -> str:
        # No address: this string lands in logs and admin pages.
        return f"{self.kind} e-mail {self.pk} ({self.status})"

    @property
    def link_expired_unsent(self) -> bool:
        """Failed because its invitation or reset link died before it could leave (not a mail server's answer)."""
        return self.status == OutboxStatus.FAILED and self.last_error == ACCOUNT_LINK_EXPIRED


# E-mails that carry a link opening a staff account: only their recipient sees them, never her
# colleagues in the school's list of e-mails or a client's data export (ASVS 6.4.3, 6.4.1).
ACCOUNT_LINK_KINDS = (OutgoingEmail.Kind.PASSWORD_RESET, OutgoingEmail.Kind.INVITATION)
# The last error of such an e-mail still waiting when its link died: it is not sent (msem/mailing/account_links.py).
ACCOUNT_LINK_EXPIRED = "The link expired before the e-mail could be sent."


class DeliveryAttempt(OutboxAttempt):
    """One try at handing an outgoing e-mail to the mail server."""

    Outcome = AttemptOutcome

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="delivery_attempts")

    objects = SchoolScopedQuerySet.as_manager()

    class Meta(OutboxAttempt.Meta):
        pass

    def __str__(self) -> str:
        return f"attempt on {self.email_id} at {self.started_at:%H:%M:%S}: {self.outcome or 'interrupted'}"


class OutgoingAttachment(SchoolScopedModel):
    """A file sent with an outgoing e-mail (a quote's PDF), kept with it so a retry sends the same."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    content = models.BinaryField()

    objects = SchoolScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.filename
