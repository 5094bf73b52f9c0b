from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from msem.schools.models import School, SchoolScopedModel, SchoolScopedQuerySet
from msem.validators import validate_single_line


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: school staff, or a platform administrator (is_staff)."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=120, validators=[validate_single_line])
    language = models.CharField(
        _("language of the back office"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform administrator"),
        default=False,
        help_text=_("Can log into the platform administration (schools, legal footers)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when an administrator typed the password (the admin's password form): she must choose
    # her own at her next login (ASVS 6.4.1). Any password she sets herself clears it (set_password).
    password_is_temporary = models.BooleanField(_("temporary password"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def set_password(self, raw_password: str | None) -> None:
        # Every way of choosing one's own password (change, reset, invitation) goes through here;
        # only the admin's form marks the new password temporary again, after this call.
        super().set_password(raw_password)
        self.password_is_temporary = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    MANAGER = "manager", _("Manager")


class Membership(SchoolScopedModel):
    """A user works for a school, as a secretary or as a manager."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SECRETARY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="membership_unique_per_school"),
        ]

    def __str__(self) -> str:
        # Lists that show memberships select their user and school (the admin's inlines do).
        return f"{self.user} @ {self.school} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


class LoginFailure(models.Model):
    """One failed login, kept for the throttle window (platform-wide, not school data)."""

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(db_index=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email", "attempted_at"], name="loginfailure_email_time")]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.attempted_at:%Y-%m-%d %H:%M}"


__all__ = ["LoginFailure", "Membership", "Role", "School", "User", "UserManager"]


class UserSession(models.Model):
    """One open back-office session of a user, so that she can see them and end them (ASVS 7.5.2).

    The session holds the id of this row; the row holds a SHA-256 of the session
    key (never the key), enough to find and delete Django's session when she ends it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="open_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("open session")
        verbose_name_plural = _("open sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="user_session_recent")]

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


# The second factor's models live in their own module; imported here so that they belong to this app.
from msem.accounts.two_factor_models import RecoveryCode, SecondFactor  # noqa: E402

__all__ += ["RecoveryCode", "SecondFactor"]
