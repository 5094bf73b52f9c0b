from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet
from msem.validators import validate_no_control_characters, validate_single_line

LABEL_MAX_LENGTH = 120


class LiveRowQuerySet(SchoolScopedQuerySet):
    """Subjects and categories are removed softly: dossiers keep pointing at them."""

    def live(self) -> LiveRowQuerySet:
        return self.filter(removed_at__isnull=True)


class Subject(SchoolScopedModel):
    """An "objet de demande": a choice on the contact form, routed to one address."""

    label_fr = models.CharField(
        _("label (French)"), max_length=LABEL_MAX_LENGTH, blank=True, validators=[validate_single_line]
    )
    label_en = models.CharField(
        _("label (English)"), max_length=LABEL_MAX_LENGTH, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("e-mail address"), validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("request subject")
        verbose_name_plural = _("request subjects")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["school", "position"], name="subject_school_position")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(label_fr="", label_en=""), name="subject_has_a_label"),
        ]

    def __str__(self) -> str:
        return self.label_fr or self.label_en

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


class Category(SchoolScopedModel):
    """A "catégorie des dossiers": code + FR and EN labels, picked by the client."""

    code = models.SlugField(_("code"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=LABEL_MAX_LENGTH, validators=[validate_single_line])
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX_LENGTH, validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [
            # A code is unique among the school's live categories; a removed
            # one may come back (it is then revived, see categories_sync).
            models.UniqueConstraint(
                fields=["school", "code"],
                condition=models.Q(removed_at__isnull=True),
                name="category_code_unique_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label_fr}"

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


NAME_MAX_LENGTH = 80
# Dossiers still in the inbox (not archived).
ACTIVE = models.Q(archived_at__isnull=True)
PHONE_MAX_LENGTH = 30
MESSAGE_MAX_LENGTH = 5000
MAX_PARTICIPANTS = 500
# What the inbox filters by, carried by its indexes (see Inquiry.Meta.indexes).
INBOX_FILTERED_COLUMNS = ["archived_at", "status", "language", "category", "subject", "assignee"]


def inbox_index_fields(
    leading: str = "", *, exclude: str = "", order: tuple[str, ...] = ("-received_at", "-id")
) -> list[str]:
    """An inbox index: the school, a filter's column, the list's order, then every other filtered column."""
    others = [column for column in INBOX_FILTERED_COLUMNS if column not in (leading, exclude)]
    return ["school", *([leading] if leading else []), *order, *others]


class Inquiry(SchoolScopedModel):
    """A "demande" / "dossier": one client request and everything done with it."""

    class Status(models.TextChoices):
        # In French a request ("une demande") is feminine: "Payée", where a quote is "Payé".
        NEW = "new", pgettext_lazy("request status", "New")
        IN_PROGRESS = "in_progress", pgettext_lazy("request status", "In progress")
        WAITING_FOR_CLIENT = "waiting_for_client", pgettext_lazy("request status", "Waiting for the client")
        WON = "won", pgettext_lazy("request status", "Won")
        PAID = "paid", pgettext_lazy("request status", "Paid")
        LOST = "lost", pgettext_lazy("request status", "Lost")

    class Source(models.TextChoices):
        FORM = "form", _("Contact form")
        API = "api", _("Website (API)")

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    reference = models.CharField(_("reference"), max_length=20)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # No index of its own for subject, category and assignee: the inbox's indexes start with the
    # school and hold them (see Meta.indexes). One-column indexes let PostgreSQL intersect the
    # whole table's rows of a subject and of an assignee, misjudging how many (each belongs to
    # one school): 160 ms for a count that the school's index answers in 3 (bench/inbox_bench.py).
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject"), db_index=False
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        db_index=False,
    )
    first_name = models.CharField(_("first name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    last_name = models.CharField(_("last name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    email = models.EmailField(_("e-mail address"), validators=[validate_single_line])
    phone = models.CharField(_("phone"), max_length=PHONE_MAX_LENGTH, blank=True, validators=[validate_single_line])
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, validators=[validate_no_control_characters])
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    participants = models.PositiveSmallIntegerField(_("number of participants"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
        db_index=False,
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change made from the dossier page, so that two people
    # editing the same dossier at once cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    # Reference, names, address, phone and message, lower-cased and without
    # accents: what the inbox's free-text search looks in (see search.py).
    search_text = models.TextField(blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    # The first reply or quote a member of staff e-mailed to the client, and who
    # sent it (see answers.py): kept here, so that response times over a season
    # are read from one index rather than searched for in every timeline.
    first_answer_at = models.DateTimeField(_("first answered"), null=True, blank=True, editable=False)
    first_answer_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("first answered by"),
    )
    # Set when a manager erased the client's personal data (msem/personal_data/):
    # the dossier stays, for the school's figures and its accounts, nameless.
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"], name="inquiry_reference_unique_per_school"),
        ]
        indexes = [
            # The inbox lists a school's dossiers newest first, archived or not,
            # optionally filtered: one index per filter, each newest first, so that
            # the first page is read straight from an index whatever the filter
            # (archived or not: every filter's index holds every dossier). Every
            # other filtered column follows as a key column (migration 0013): the
            # database then checks the other filters of a combination in the index
            # itself (PostgreSQL: index conditions, not a filter on each table row;
            # SQLite: before looking the row up), and the capped count of any
            # combination reads the index alone. Last, they keep the newest-first order.
            models.Index(fields=inbox_index_fields(), name="inquiry_school_recent"),
            models.Index(
                fields=inbox_index_fields(exclude="archived_at"),
                name="inquiry_inbox",
                condition=ACTIVE,
            ),
            models.Index(fields=inbox_index_fields("status"), name="inquiry_inbox_status"),
            models.Index(fields=inbox_index_fields("category"), name="inquiry_inbox_category"),
            models.Index(fields=inbox_index_fields("subject"), name="inquiry_inbox_subject"),
            models.Index(fields=inbox_index_fields("assignee"), name="inquiry_inbox_assignee"),
            # The list by arrival ("Soonest arrival first"): the dated dossiers from a page's last date on,
            # then the undated ones (arrival_date IS NULL, by id), each a range of these indexes, checked
            # against the filters in the index itself as the others are (msem/inquiries/inbox.py, _parts).
            # The list's default, not archived, has its own: in the one of every dossier, the earliest
            # arrivals are the archived ones of past seasons, read through before the first open one
            # (SQLite, 20 000 dossiers in a school, its past seasons archived: 1.17 ms a page, 0.24).
            models.Index(fields=inbox_index_fields(order=("arrival_date", "id")), name="inquiry_inbox_arrival"),
            models.Index(
                fields=inbox_index_fields(exclude="archived_at", order=("arrival_date", "id")),
                name="inquiry_inbox_open_arrival",
                condition=ACTIVE,
            ),
            models.Index(fields=["school", "email", "-received_at"], name="inquiry_school_email"),
            # The dashboard counts a period's requests from this index alone (SQLite
            # and PostgreSQL read no table row): every column it groups or measures by.
            # `merged_into` too, always null here: SQLite (3.40) reads the table row for
            # a column of the condition that the index does not hold.
            models.Index(
                fields=[
                    "school",
                    "received_at",
                    "subject",
                    "category",
                    "language",
                    "status",
                    "first_answer_at",
                    "first_answer_by",
                    "id",
                    "merged_into",
                ],
                name="inquiry_dashboard",
                condition=models.Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def client_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# Which status may follow which: the dossier panel offers these, the services enforce them.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Inquiry.Status.NEW: frozenset(
        {Inquiry.Status.IN_PROGRESS, Inquiry.Status.WAITING_FOR_CLIENT, Inquiry.Status.WON, Inquiry.Status.LOST}
    ),
    Inquiry.Status.IN_PROGRESS: frozenset({Inquiry.Status.WAITING_FOR_CLIENT, Inquiry.Status.WON, Inquiry.Status.LOST}),
    Inquiry.Status.WAITING_FOR_CLIENT: frozenset({Inquiry.Status.IN_PROGRESS, Inquiry.Status.WON, Inquiry.Status.LOST}),
    Inquiry.Status.WON: frozenset({Inquiry.Status.IN_PROGRESS}),
    Inquiry.Status.LOST: frozenset({Inquiry.Status.IN_PROGRESS}),
    # Set when a quote of the dossier is fully paid; a paid dossier stays paid.
    Inquiry.Status.PAID: frozenset(),
}


class InquiryEvent(SchoolScopedModel):
    """One line of a dossier's timeline: what happened, who did it, when."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Request received")
        EMAIL = "email", _("E-mail")
        ACKNOWLEDGEMENT_SKIPPED = "acknowledgement_skipped", _("No acknowledgement sent")
        STATUS_CHANGED = "status_changed", _("Status changed")
        CATEGORY_CHANGED = "category_changed", _("Category changed")
        SUBJECT_CHANGED = "subject_changed", _("Subject changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Internal note")
        ARCHIVED = "archived", pgettext_lazy("timeline event", "Archived")
        UNARCHIVED = "unarchived", _("Taken out of the archive")
        MERGED = "merged", _("Merged")
        QUOTE = "quote", _("Quote")
        PAYMENT = "payment", _("Payment")
        SALE_REPORT = "sale_report", _("Report to 4807")
        QUARANTINE_RELEASED = "quarantine_released", _("Let in from the quarantine")
        CLIENT_EMAIL_CORRECTED = "client_email_corrected", _("Client's e-mail address corrected")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        "mailing.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["school", "inquiry", "created_at"], name="event_school_inquiry_time")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.inquiry_id}"


class QuarantinedRequest(SchoolScopedModel):
    """A request from the public form that looks like a robot's: kept aside, not a dossier.

    The client was thanked as usual. A secretary may let it in (it becomes a
    dossier, with its e-mails) or delete it; left alone, it is deleted after
    MSEM_QUARANTINE_DAYS. Only requests that passed validation are kept.
    """

    class Reason(models.TextChoices):
        HIDDEN_FIELD = "hidden_field", _("A field hidden from people was filled in")
        TOO_FAST = "too_fast", _("Sent faster than a person types")
        LINKS = "links", _("Many links in the message")

    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    language = models.CharField(max_length=2, choices=Inquiry.Language.choices)
    email = models.EmailField(_("e-mail address"))
    # The validated fields, as the form cleaned them (see intake.IntakeData).
    data = models.JSONField()
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantined request")
        verbose_name_plural = _("quarantined requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["school", "-received_at"], name="quarantine_school_recent"),
            models.Index(fields=["received_at"], name="quarantine_age"),
            models.Index(fields=["school", "email"], name="quarantine_school_email"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} at {self.received_at:%Y-%m-%d %H:%M}"


class IntakeKey(SchoolScopedModel):
    """A single-use key of a submission (the form's token, or the API's Idempotency-Key).

    The unique constraint is what makes a double click or a replayed POST
    create one dossier: the second insert fails and finds the first one.
    """

    key = models.CharField(max_length=80)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "key"], name="intakekey_unique_per_school")]

    def __str__(self) -> str:
        return self.key


class SavedFilter(SchoolScopedModel):
    """A set of inbox criteria a secretary keeps under a name, for herself or shared with her colleagues."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80, validators=[validate_single_line])
    # The criteria as the inbox's query string carries them (lists of values per key).
    criteria = models.JSONField(default=dict)
    shared = models.BooleanField(_("shared with my colleagues"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "owner", "name"], name="savedfilter_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class InboxPreference(SchoolScopedModel):
    """A secretary's default filter in one school: applied each time she opens the inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    default_filter = models.ForeignKey(SavedFilter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="inboxpreference_unique_per_user")]

    def __str__(self) -> str:
        return f"default of {self.user_id} at {self.school_id}"
