from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from msem.accounts.admin import MembershipRowForm, membership_rows_save
from msem.accounts.models import Membership
from msem.commercial_settings.services import PLATFORM_FIELDS, school_create, school_update_by_platform
from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS
from msem.mailing.placeholders import ALLOWED_IN_FOOTER, validate_placeholders
from msem.schools.models import School
from msem.schools.services import school_connector_token_set


def _one_kind_of_line_break(text: str) -> str:
    # Browsers post a textarea's lines with CRLF: saved as typed, the same text would read as a change.
    return text.replace("\r\n", "\n")


class KeptSecretField(forms.CharField):
    """A secret that is never rendered back: empty keeps the saved one, so only a typed value is a change."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)


class SchoolAdminForm(forms.ModelForm):
    # The token opens the school's 4807 account: the page (and its cache, a screenshot) never shows it.
    connector_token = KeptSecretField(label=capfirst(_("4807 gateway token")), required=False, max_length=200)
    connector_token_remove = forms.BooleanField(
        label=_("Remove the school's 4807 token"),
        required=False,
        help_text=_("The platform's token (MSEM_4807_TOKEN) is then used, if there is one."),
    )

    class Meta:
        model = School
        fields = list(PLATFORM_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        token_field = self.fields["connector_token"]
        if self.instance.pk is not None and self.instance.connector_token_unreadable:
            # Sealed under a SECRET_KEY that is gone: 4807 is not reached for this school until it is typed again.
            token_field.help_text = _(
                "The saved token cannot be read: SECRET_KEY changed without the old key in "
                "SECRET_KEY_FALLBACKS. Enter the school's token again: until then, its sales wait to be "
                "reported to 4807."
            )
            token_field.widget.attrs["aria-invalid"] = "true"
        elif self.instance.connector_token_box:
            token_field.help_text = _(
                "A token is saved. Leave empty to keep the current token; type a new one to replace it."
            )
        else:
            token_field.help_text = _("No token saved: the platform's token (MSEM_4807_TOKEN) is used.")
        if self.instance.pk is None:
            self.fields["legal_footer_fr"].initial = DEFAULT_LEGAL_FOOTERS["fr"]
            self.fields["legal_footer_en"].initial = DEFAULT_LEGAL_FOOTERS["en"]

    def _clean_footer(self, name: str) -> str:
        value = _one_kind_of_line_break(self.cleaned_data[name])
        validate_placeholders(value, allowed=ALLOWED_IN_FOOTER)
        return value

    def clean_legal_footer_fr(self) -> str:
        return self._clean_footer("legal_footer_fr")

    def clean_legal_footer_en(self) -> str:
        return self._clean_footer("legal_footer_en")

    def clean_website_origins(self) -> str:
        return _one_kind_of_line_break(self.cleaned_data["website_origins"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("connector_token_remove"):
            cleaned["connector_token"] = ""
        elif not cleaned.get("connector_token"):
            # Left empty: the saved token stays as it is (it is never sent to the page to be posted back).
            cleaned.pop("connector_token", None)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipRowForm
    fk_name = "school"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        # Each row is titled with its user and school (Membership.__str__): one query, not one per row.
        return super().get_queryset(request).select_related("user", "school")

    extra = 1
    autocomplete_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    form = SchoolAdminForm
    list_display = ["name", "slug", "main_email", "created_at"]
    search_fields = ["name", "slug", "main_email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        school = self.get_object(request, object_id)
        if request.method == "GET" and school is not None and school.connector_token_unreadable:
            messages.warning(
                request,
                _("The 4807 token of %(school)s cannot be read any more (SECRET_KEY changed): enter it again.")
                % {"school": school.name},
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Membership:
            # Through the Team services: each change is in the school's history, as one made on its Équipe page.
            membership_rows_save(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request: HttpRequest, obj: School, form: forms.ModelForm, change: bool) -> None:
        if change:
            # Through the service: the school's managers see the change in their history, and it is on record.
            school_update_by_platform(
                school=obj,
                administrator=request.user,  # type: ignore[arg-type]
                changes={name: form.cleaned_data[name] for name in PLATFORM_FIELDS if name in form.cleaned_data},
            )
        else:
            # A new school starts with its default subject and e-mail texts.
            school_create(name=obj.name, slug=obj.slug, main_email=obj.main_email, school=obj)
            if form.cleaned_data.get("connector_token"):
                # Sealed for the school's id, which it only has now.
                school_connector_token_set(school=obj, token=form.cleaned_data["connector_token"])
