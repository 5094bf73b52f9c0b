from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msem.accounts.models import Membership, User
from msem.accounts.services import user_sessions_end
from msem.accounts.two_factor import second_factor_remove


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language")


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    actions = ["end_sessions", "reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "language", "password1", "password2")}),
    )

    @admin.action(description=_("Log them out everywhere (end all their sessions)"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = user_sessions_end(user_ids=queryset.values_list("pk", flat=True))
        message = ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
        self.message_user(request, message % {"count": ended}, messages.SUCCESS)

    @admin.action(description=_("Reset their two-step verification (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # Her next login asks her to set it up again if it is required of her (ASVS 6.4.4: the
        # administrator checks who is asking before running this; the reset is on record).
        reset = 0
        for user in queryset:
            reset += second_factor_remove(user=user, by=request.user)  # type: ignore[arg-type]
        message = ngettext(
            "Two-step verification reset for %(count)d user.", "Two-step verification reset for %(count)d users.", reset
        )
        self.message_user(request, message % {"count": reset}, messages.SUCCESS)
