from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet


class AuditRecord(SchoolScopedModel):
    """Who changed what in a school's configuration, with the state before and after."""

    class Action(models.TextChoices):
        SETTINGS_SAVED = "settings.saved", _("Settings saved")
        PERSONAL_DATA_EXPORTED = "personal_data.exported", _("A client's personal data exported")
        PERSONAL_DATA_ERASED = "personal_data.erased", _("A client's personal data erased")
        MEMBER_INVITED = "member.invited", _("Member of the team invited")
        MEMBER_ROLE_CHANGED = "member.role_changed", _("Role of a member changed")
        MEMBER_REMOVED = "member.removed", _("Member removed from the team")
        SCHOOL_CHANGED_BY_PLATFORM = "school.changed_by_platform", _("School's details changed by the platform")

    action = models.CharField(_("action"), max_length=64, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("made by")
    )
    # Kept beside the foreign key: the record must still say who it was
    # after the account is deleted.
    actor_email = models.CharField(_("made by (e-mail address)"), max_length=254)
    # Made in Django's admin by a platform administrator, not by a member of the school: the history
    # says "by the platform's administrators" rather than a name the school does not know.
    # The default is the database's too: the release before this column writes its rows without it
    # while the next one migrates (docs/deployment.md, Releasing a new version).
    by_platform = models.BooleanField(_("by the platform's administrators"), default=False, db_default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"], name="audit_school_recent")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_email} at {self.created_at:%Y-%m-%d %H:%M}"
