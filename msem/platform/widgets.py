"""Widgets that write their markup in Python, for the pages opened most often.

Django renders a <select> through one template, and each of its options
through another: a select of ten options is eleven template renders, and
each input or textarea one more; on the dossier page they cost more than
its queries. These widgets keep everything of Django's (their context: the
attributes, the value, which option is selected, the ids) and only write
the markup of Django's widget templates themselves, character for
character, every value escaped as the template engine does.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: True is a bare attribute, False is left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)  # option groups: Django's templates
        options = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{attrs_html(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _, group, _ in widget["optgroups"]
            for option in group
        )
        html = f'<select name="{escape(widget["name"])}"{attrs_html(widget["attrs"])}>{options}\n</select>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped


class _PlainInputMixin:
    """django/forms/widgets/input.html."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        kind, name = escape(widget["type"]), escape(widget["name"])
        html = f'<input type="{kind}" name="{name}"{shown}{attrs_html(widget["attrs"])}>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped


class PlainTextInput(_PlainInputMixin, forms.TextInput):
    pass


class PlainHiddenInput(_PlainInputMixin, forms.HiddenInput):
    pass


class PlainCheckboxInput(_PlainInputMixin, forms.CheckboxInput):
    pass


class PlainTextarea(forms.Textarea):
    """django/forms/widgets/textarea.html."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(widget["value"]) if widget["value"] else ""
        html = f'<textarea name="{escape(widget["name"])}"{attrs_html(widget["attrs"])}>\n{text}</textarea>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped
