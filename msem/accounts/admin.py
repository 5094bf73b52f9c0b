from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from msem.accounts.invitations import InvitationRefused, invitation_send
from msem.accounts.models import Membership, Role, User
from msem.accounts.services import user_sessions_end
from msem.accounts.team import membership_grant_by_platform, membership_remove, membership_role_set
from msem.accounts.temporary_password import password_set_by_administrator
from msem.accounts.two_factor import second_factor_remove


class UserCreationForm(forms.ModelForm):
    """No password here: the new user chooses hers from the invitation e-mail (ASVS 6.4.1)."""

    class Meta:
        model = User
        fields = ("email", "full_name", "language")

    def clean_email(self) -> str:
        # Addresses are stored in lower case: "Anna@…" must meet the uniqueness check as "anna@…".
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipRowForm(forms.ModelForm):
    """A row of the memberships inline: its role can change; who and which school, no."""

    class Meta:
        model = Membership
        fields = ("user", "school", "role")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.instance.pk is not None and {"user", "school"} & set(self.changed_data):
            # Another person or school is another membership: on record as one removed and one given.
            raise forms.ValidationError(
                _("A membership's person and school cannot change: tick “Delete” and add a row instead.")
            )
        return cleaned


def membership_rows_save(request: HttpRequest, formset: Any, *, new_account: bool = False) -> None:
    """Save the admin's membership rows through the Team services, each change on the school's record.

    The records are the Équipe page's (member invited, role changed, removed), made "by the
    platform's administrators". The last manager may go (see msem.accounts.team): the
    administrator is warned that the school has none left.
    """
    administrator: User = request.user  # type: ignore[assignment]
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    schools = set()
    with transaction.atomic():
        for form in formset.extra_forms:
            if not form.has_changed() or formset._should_delete_form(form):
                continue
            membership = membership_grant_by_platform(
                school=form.instance.school,
                administrator=administrator,
                user=form.instance.user,
                role=form.cleaned_data["role"],
                account_created=new_account,
            )
            formset.new_objects.append(membership)
        for form in formset.initial_forms:
            membership = form.instance
            if formset._should_delete_form(form):
                schools.add(membership.school)
                membership_remove(
                    school=membership.school, actor=administrator, membership_id=membership.pk, by_platform=True
                )
                formset.deleted_objects.append(membership)
            elif "role" in form.changed_data:
                schools.add(membership.school)
                membership_role_set(
                    school=membership.school,
                    actor=administrator,
                    membership_id=membership.pk,
                    role=form.cleaned_data["role"],
                    by_platform=True,
                )
                formset.changed_objects.append((membership, ["role"]))
    for school in sorted(schools, key=lambda school: school.name):
        if not Membership.objects.for_school(school).filter(role=Role.MANAGER).exists():
            messages.warning(
                request,
                gettext("%(school)s has no manager any more: nobody there can change its team or its settings.")
                % {"school": school.name},
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipRowForm
    fk_name = "user"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        # Each row is titled with its user and school (Membership.__str__): one query, not one per row.
        return super().get_queryset(request).select_related("user", "school")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "school" and field is not None:
            # Read the schools once for all the rows: each row's select would query them again.
            field.choices = list(field.choices)  # type: ignore[arg-type]
        return field

    extra = 1


_REFUSALS = {
    "has_password": _("%(user)s already has a password: no invitation sent (they can use “Forgot your password?”)."),
    "inactive": _("%(user)s is deactivated: no invitation sent."),
    "no_school": _("%(user)s has no school yet: no invitation sent. Give them a school, then send an invitation."),
}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["password_is_temporary"]
    inlines = [MembershipInline]
    actions = ["end_sessions", "send_invitation", "reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password", "password_is_temporary")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": _(
                    "No password: once saved, the user receives an e-mail with a link to choose one "
                    "(give them a school below: the e-mail is sent on its behalf)."
                ),
                "fields": ("email", "full_name", "language"),
            },
        ),
    )

    @admin.action(description=_("Log them out everywhere (end all their sessions)"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = user_sessions_end(user_ids=queryset.values_list("pk", flat=True))
        message = ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
        self.message_user(request, message % {"count": ended}, messages.SUCCESS)

    @admin.action(description=_("Send a new invitation"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            if self._invite(request, user):
                sent += 1
        if sent:
            message = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent)
            self.message_user(request, message % {"count": sent}, messages.SUCCESS)

    def _invite(self, request: HttpRequest, user: User) -> bool:
        try:
            invitation_send(user=user, sent_by=request.user)  # type: ignore[arg-type]
        except InvitationRefused as refusal:
            self.message_user(request, _REFUSALS[str(refusal)] % {"user": user.email}, messages.WARNING)
            return False
        return True

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Membership:
            membership_rows_save(request, formset, new_account=not change)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the memberships: the invitation is filed under (and names) her first school.
        if not change and self._invite(request, form.instance):
            self.message_user(
                request,
                gettext("An invitation to choose a password has been sent to %(email)s.")
                % {"email": form.instance.email},
                messages.SUCCESS,
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():  # the password and its mark are saved together
            response = super().user_change_password(request, id, form_url)
            # Saved: Django redirects to the user's page (a refused form answers 200, a conflicting
            # one redirects back to this page). A password typed for someone else is temporary.
            if request.method == "POST" and response.status_code == 302 and response["Location"] != request.path:
                user = self.get_object(request, unquote(id))
                if user is not None:
                    password_set_by_administrator(user=user, administrator=request.user)  # type: ignore[arg-type]
        return response

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
