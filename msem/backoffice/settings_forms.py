"""The forms of the settings page: four sections validated together.

They only validate and shape the input; commercial_settings_save does the
writing, all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from msem.catalog.models import CATALOG_CODE_MAX_LENGTH, normalize_catalog_code, validate_catalog_code
from msem.inquiries.models import LABEL_MAX_LENGTH
from msem.inquiries.services import CategoryLine, SubjectLine
from msem.mailing.models import BODY_MAX_LENGTH, KINDS_WITH_SUBJECT_LINE, SUBJECT_LINE_MAX_LENGTH, MailKind
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.platform.labels import labelled
from msem.validators import E_MAIL_INVALID, validate_no_control_characters, validate_single_line

MAX_LINES = 100
CATEGORY_CODE_MAX_LENGTH = 40
MAX_CATALOGS = 50
LANGUAGES = ("fr", "en")
# Field names a forged POST might use to overwrite the legal footer.
FOOTER_FIELD_NAMES = ("footer_fr", "footer_en", "legal_footer_fr", "legal_footer_en")


def _label_field(*, required: bool) -> forms.CharField:
    return forms.CharField(max_length=LABEL_MAX_LENGTH, required=required, validators=[validate_single_line])


class LinesFormSet(forms.BaseFormSet):
    """A formset of lines that can be added, removed ("−") and reordered."""

    ordering_widget = forms.HiddenInput
    deletion_widget = forms.HiddenInput

    def full_clean(self) -> None:
        super().full_clean()
        # A line removed with "−" is not saved (is_valid ignores it): its errors would only
        # ask the user to mend what she is deleting.
        if self.is_bound:
            for form in self.forms:
                if self._should_delete_form(form):  # type: ignore[attr-defined]
                    form._errors = ErrorDict()

    def kept_forms(self) -> list[forms.Form]:
        """The lines not removed with "−", in the order the user arranged them."""
        kept = [form for form in self.forms if not (self.is_bound and self._should_delete_form(form))]  # type: ignore[attr-defined]
        return sorted(kept, key=self._display_position)

    def forms_in_display_order(self) -> list[forms.Form]:
        return sorted(self.forms, key=self._display_position)

    def _display_position(self, form: forms.Form) -> int:
        raw = form.data.get(form.add_prefix("ORDER")) if self.is_bound else None
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return MAX_LINES + 1

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].widget = forms.HiddenInput(attrs={"data-line-order": ""})
        form.fields["DELETE"].widget = forms.HiddenInput(attrs={"data-line-delete": ""})


class LineForm(forms.Form):
    @property
    def marked_removed(self) -> bool:
        """True when the "−" of this line was pressed (shown struck through, with Undo)."""
        if "DELETE" not in self.fields:
            return False
        return bool(self.fields["DELETE"].to_python(self["DELETE"].value()))


class SubjectLineForm(LineForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label_fr = _label_field(required=False)
    label_en = _label_field(required=False)
    email = forms.EmailField(
        max_length=254,
        validators=[validate_single_line],
        error_messages={
            "invalid": E_MAIL_INVALID,
            # "This field is required" under a field showing an example address read as if the example were wrong.
            "required": _("Enter the address that receives this subject's requests."),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        no_label = not cleaned.get("label_fr", "").strip() and not cleaned.get("label_en", "").strip()
        if no_label and "label_fr" not in self.errors and "label_en" not in self.errors:
            self.add_error("label_fr", _("Give the subject a label in French or in English."))
        return cleaned

    def line(self) -> SubjectLine:
        data = self.cleaned_data
        return SubjectLine(id=data.get("id"), label_fr=data["label_fr"], label_en=data["label_en"], email=data["email"])


class SubjectFormSet(LinesFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(self.errors) and not self.kept_forms():
            raise ValidationError(_("At least one request subject must remain."), code="no_subject")


class CategoryLineForm(LineForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Optional: a new school's manager does not know what a code is for; left empty, it is made from the label.
    code = forms.SlugField(
        max_length=CATEGORY_CODE_MAX_LENGTH,
        required=False,
        error_messages={"invalid": _("Use only letters without accents, digits, “-” and “_”, e.g. je-ne-sais-pas.")},
    )
    label_fr = _label_field(required=True)
    label_en = _label_field(required=True)
    code_made_from_label = False

    def clean_code(self) -> str:
        return self.cleaned_data["code"].lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "code" in self.errors or cleaned.get("code"):
            return cleaned
        label = cleaned.get("label_fr") or cleaned.get("label_en") or ""
        code = slugify(label)[:CATEGORY_CODE_MAX_LENGTH].strip("-_")
        if code:
            cleaned["code"] = code
            self.code_made_from_label = True
        elif label:
            # A label of signs only ("???") gives no code: she has to type one.
            self.add_error("code", _("Type a code for this category: letters without accents, digits, “-” and “_”."))
        return cleaned

    def line(self) -> CategoryLine:
        data = self.cleaned_data
        return CategoryLine(id=data.get("id"), code=data["code"], label_fr=data["label_fr"], label_en=data["label_en"])


class CategoryFormSet(LinesFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.kept_forms():
            code = form.cleaned_data.get("code")
            if not code:
                continue
            if code in seen:
                if getattr(form, "code_made_from_label", False):
                    # The field she left empty cannot be the one "already used": say which code it would have been.
                    form.add_error(
                        "code",
                        _("Another category already has the code “%(code)s”, made from this label: type a code.")
                        % {"code": code},
                    )
                else:
                    form.add_error("code", _("This code is already used by another category."))
            seen.add(code)


def _lines_formset(form: type[forms.Form], formset: type[LinesFormSet]) -> type[LinesFormSet]:
    return formset_factory(  # type: ignore[return-value]
        form,
        formset=formset,
        extra=0,
        can_order=True,
        can_delete=True,
        max_num=MAX_LINES,
        validate_max=True,
        absolute_max=MAX_LINES,
    )


SubjectLines = _lines_formset(SubjectLineForm, SubjectFormSet)
CategoryLines = _lines_formset(CategoryLineForm, CategoryFormSet)


def mail_field_name(kind: str, language: str, part: str) -> str:
    return f"{kind}_{language}_{part}"


class MailTextsForm(forms.Form):
    """FR and EN texts of each default e-mail, with their subject lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in MailKind.values:
            allowed = ALLOWED_BY_KIND[kind]
            for language in LANGUAGES:
                if kind in KINDS_WITH_SUBJECT_LINE:
                    self.fields[mail_field_name(kind, language, "subject")] = forms.CharField(
                        label=_("Subject line"),
                        max_length=SUBJECT_LINE_MAX_LENGTH,
                        validators=[validate_single_line, _placeholder_validator(allowed)],
                    )
                self.fields[mail_field_name(kind, language, "body")] = forms.CharField(
                    label=_("Text"),
                    max_length=BODY_MAX_LENGTH,
                    required=kind != MailKind.SIGNATURE,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 10 if kind != MailKind.SIGNATURE else 3}),
                    validators=[validate_no_control_characters, _placeholder_validator(allowed)],
                )

    @classmethod
    def initial_from(cls, texts: Mapping[tuple[str, str], Any]) -> dict[str, str]:
        initial = {}
        for (kind, language), template in texts.items():
            initial[mail_field_name(kind, language, "subject")] = template.subject
            initial[mail_field_name(kind, language, "body")] = template.body
        return initial

    def texts(self) -> dict[tuple[str, str], tuple[str, str]]:
        data = self.cleaned_data
        return {
            (kind, language): (
                data.get(mail_field_name(kind, language, "subject"), ""),
                data[mail_field_name(kind, language, "body")].strip("\n").replace("\r\n", "\n"),
            )
            for kind in MailKind.values
            for language in LANGUAGES
        }


def _placeholder_validator(allowed: tuple[str, ...]) -> Any:
    def validate(value: str) -> None:
        validate_placeholders(value, allowed=allowed)

    return validate


class CatalogCodesField(forms.Field):
    """The chips of "Gestion des catalogues 4807": one hidden input per code."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [normalize_catalog_code(str(code)) for code in value if str(code).strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > MAX_CATALOGS:
            raise ValidationError(_("At most %(max)d catalogs.") % {"max": MAX_CATALOGS}, code="too_many_catalogs")
        for code in value:
            if len(code) > CATALOG_CODE_MAX_LENGTH:
                raise ValidationError(_("The code %(code)s is too long.") % {"code": code[:40] + "…"})
            try:
                validate_catalog_code(code)
            except ValidationError as error:
                raise ValidationError(labelled(code, error.messages[0]), code="invalid_catalog_code") from error
        duplicates = sorted({code for code in value if value.count(code) > 1})
        if duplicates:
            raise ValidationError(
                _("The catalog code %(codes)s is listed twice.") % {"codes": ", ".join(duplicates)},
                code="duplicate_catalog",
            )


class CatalogsForm(forms.Form):
    catalog_codes = CatalogCodesField(required=False)
    # The chip input itself: a code typed but not added with Enter would be
    # silently lost by the save, so it is pointed out instead.
    new_catalog_code = forms.CharField(required=False, max_length=200)

    def clean_new_catalog_code(self) -> str:
        typed = self.cleaned_data["new_catalog_code"].strip()
        if typed:
            # Enter checks the code before adding it: it may yet be refused, so no promise of adding it.
            message = _(
                "%(code)s is not in the list yet: press Enter in the field to check it and add it, or empty it."
            )
            raise ValidationError(message, code="code_not_added", params={"code": typed[:40]})
        return ""


class CatalogCodeCheckForm(forms.Form):
    """The code typed in the chip input, checked when Enter is pressed."""

    new_catalog_code = forms.CharField(max_length=CATALOG_CODE_MAX_LENGTH, strip=True)
    catalog_codes = CatalogCodesField(required=False)

    def clean_new_catalog_code(self) -> str:
        code = normalize_catalog_code(self.cleaned_data["new_catalog_code"])
        validate_catalog_code(code)
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("new_catalog_code")
        if code and code in (cleaned.get("catalog_codes") or []):
            self.add_error("new_catalog_code", _("The catalog %(code)s is already in the list.") % {"code": code})
        return cleaned


def _column(form: forms.Form, name: str) -> int:
    names = list(form.fields)
    return names.index(name) if name in names else len(names)


@dataclass(frozen=True)
class FieldError:
    anchor: str  # the id of the field, "" when the error is not a field's
    where: str
    message: str


# The column headers of the settings page's lines, which name their fields.
SUBJECT_FIELD_LABELS = {"label_fr": _("Label (French)"), "label_en": _("Label (English)"), "email": _("E-mail address")}
CATEGORY_FIELD_LABELS = {"code": _("Code"), "label_fr": _("Label (French)"), "label_en": _("Label (English)")}


class VersionForm(forms.Form):
    settings_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SettingsPageForms:
    """The four sections and the version the page was loaded at, as one unit."""

    def __init__(self, *, data: Mapping[str, Any] | None = None, initial: Mapping[str, Any] | None = None) -> None:
        initial = initial or {}
        self.data = data
        self.version = VersionForm(data, initial={"settings_version": initial.get("settings_version")})
        self.subjects = SubjectLines(data, prefix="subjects", initial=initial.get("subjects"))
        self.mail_texts = MailTextsForm(data, initial=initial.get("mail_texts"))
        self.categories = CategoryLines(data, prefix="categories", initial=initial.get("categories"))
        self.catalogs = CatalogsForm(data, initial={"catalog_codes": initial.get("catalog_codes", [])})
        self.page_errors: list[str] = []

    @property
    def parts(self) -> list[Any]:
        return [self.version, self.subjects, self.mail_texts, self.categories, self.catalogs]

    def is_valid(self) -> bool:
        if self.data is not None and any(name in self.data for name in FOOTER_FIELD_NAMES):
            self.page_errors.append(
                str(_("The legal footer is set by the platform's administrators and cannot be changed here."))
            )
        valid = all([part.is_valid() for part in self.parts])
        return valid and not self.page_errors

    def add_page_error(self, message: str) -> None:
        self.page_errors.append(message)

    def field_errors(self) -> list[FieldError]:
        """Each field's error, where it is and a link to it: the summary at the top of a long page.

        In the page's order: Contact, the e-mail texts, the categories, the 4807 catalogs.
        """
        found = self._line_errors(_("Contact"), self.subjects, SUBJECT_FIELD_LABELS)
        kinds = dict(MailKind.choices)
        for name, errors in self.mail_texts.errors.items():
            if name not in self.mail_texts.fields:
                continue
            kind, language, _part = name.rsplit("_", 2)
            where = f"{kinds.get(kind, kind)} ({language.upper()}) — {self.mail_texts.fields[name].label}"
            found.append(FieldError(anchor=self.mail_texts[name].auto_id, where=where, message=str(errors[0])))
        found += self._line_errors(_("Dossier categories"), self.categories, CATEGORY_FIELD_LABELS)
        for errors in self.catalogs.errors.values():
            found.append(FieldError(anchor="new-catalog-code", where=str(_("4807 catalogs")), message=str(errors[0])))
        return found

    @staticmethod
    def _line_errors(section: Any, lines: forms.BaseFormSet, line_labels: dict[str, Any]) -> list[FieldError]:
        found: list[FieldError] = []
        kept = lines.kept_forms() if lines.is_bound else []  # type: ignore[attr-defined]
        for number, form in enumerate(kept, start=1):
            # In the order of the line's columns, not the order the checks found them.
            for name, errors in sorted(form.errors.items(), key=lambda item: _column(form, item[0])):
                where = _("%(section)s, line %(number)s") % {"section": section, "number": number}
                if name in line_labels:
                    where = f"{where} — {line_labels[name]}"
                anchor = form[name].auto_id if name in form.fields else ""
                found.append(FieldError(anchor=anchor, where=where, message=str(errors[0])))
        return found

    def error_count(self) -> int:
        count = len(self.page_errors)
        for part in self.parts:
            if isinstance(part, forms.BaseFormSet):
                count += len(part.non_form_errors()) + sum(len(errors) for errors in part.errors)
            else:
                count += len(part.errors)
        return count

    def service_arguments(self) -> dict[str, Any]:
        return {
            "expected_version": self.version.cleaned_data["settings_version"],
            "subjects": [form.line() for form in self.subjects.kept_forms()],  # type: ignore[attr-defined]
            "mail_texts": self.mail_texts.texts(),
            "categories": [form.line() for form in self.categories.kept_forms()],  # type: ignore[attr-defined]
            "catalog_codes": self.catalogs.cleaned_data["catalog_codes"],
        }
