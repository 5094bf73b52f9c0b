from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from msem.accounts.models import Membership
from msem.commercial_settings.services import PLATFORM_FIELDS, school_create, school_update_by_platform
from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS
from msem.mailing.placeholders import ALLOWED_IN_FOOTER, validate_placeholders
from msem.schools.models import School


class SchoolAdminForm(forms.ModelForm):
    class Meta:
        model = School
        fields = list(PLATFORM_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["legal_footer_fr"].initial = DEFAULT_LEGAL_FOOTERS["fr"]
            self.fields["legal_footer_en"].initial = DEFAULT_LEGAL_FOOTERS["en"]

    def _clean_footer(self, name: str) -> str:
        value = self.cleaned_data[name]
        validate_placeholders(value, allowed=ALLOWED_IN_FOOTER)
        return value

    def clean_legal_footer_fr(self) -> str:
        return self._clean_footer("legal_footer_fr")

    def clean_legal_footer_en(self) -> str:
        return self._clean_footer("legal_footer_en")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "school"
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    form = SchoolAdminForm
    list_display = ["name", "slug", "main_email", "created_at"]
    search_fields = ["name", "slug", "main_email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

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
