"""The inbox's search zone: its widgets, composed in Python.

Rendered through Django's widget templates, the zone's eleven widgets and
their options (about 80 template includes) cost more CPU than the inbox's
queries: each option is a template of its own. The search zone is on every
inbox page, so its widgets are written here, with the markup Django's
widget templates give (the same attributes, in the same order, with
aria-invalid and aria-describedby on a field in error), every value and
label escaped as the template engine does (html.escape). The labels and
the layout stay in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import forms
from django.utils.safestring import SafeString, mark_safe

# The inputs, with the attributes their form fields give them (maxlength comes from the field).
_TEXT_INPUTS = {"q": "search", "received_from": "date", "received_to": "date"}
_SELECTS = ("subject", "assignee", "language", "archived", "sort")
_CHECKBOXES = ("category", "status")


def _attrs(attrs: Iterable[tuple[str, object]]) -> str:
    """Django's attrs.html: True is a bare attribute, False and None are left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs
        if value is not False and value is not None
    )


def _error_attrs(form: forms.Form, name: str, *, fieldset: bool = False) -> list[tuple[str, object]]:
    """What BoundField.build_widget_attrs adds to a widget whose field has errors."""
    if name not in form.errors:
        return []
    if fieldset:  # a group of checkboxes: the fieldset's legend describes it
        return [("aria-invalid", "true")]
    return [("aria-invalid", "true"), ("aria-describedby", f"id_{name}_error")]


def _input(form: forms.Form, name: str) -> str:
    widget = form.fields[name].widget
    value = form.data.get(name)
    attrs = [("value", value or None), *widget.attrs.items(), *_error_attrs(form, name), ("id", f"id_{name}")]
    return f'<input type="{_TEXT_INPUTS[name]}" name="{name}"{_attrs(attrs)}>'


def _select(form: forms.Form, name: str) -> str:
    field = form.fields[name]
    # Select.format_value: no value is the empty choice.
    selected = str(form.data.get(name) or "")
    options = "".join(
        f'  <option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>'
        f"{escape(str(label))}</option>\n\n"
        for value, label in field.choices  # type: ignore[attr-defined]
    )
    attrs = [*_error_attrs(form, name), ("id", f"id_{name}")]
    return f'<select name="{name}"{_attrs(attrs)}>\n{options}</select>'


def _checkboxes(form: forms.Form, name: str) -> str:
    """Each checkbox in its label, as the template's loop over the field's subwidgets wrote them."""
    field = form.fields[name]
    checked = {str(value) for value in form.data.getlist(name)}  # type: ignore[attr-defined]
    invalid = _attrs(_error_attrs(form, name, fieldset=True))
    return "".join(
        f'<label class="check"><input type="checkbox" name="{name}" value="{escape(str(value))}"'
        f' id="id_{name}_{index}"{invalid}{" checked" if str(value) in checked else ""}>'
        f" {escape(str(label))}</label>"
        for index, (value, label) in enumerate(field.choices)  # type: ignore[attr-defined]
    )


def search_widgets(form: forms.Form) -> dict[str, SafeString]:
    """The zone's widgets by field name, ready for the template; an empty group of checkboxes is ""."""
    widgets = {name: _input(form, name) for name in _TEXT_INPUTS}
    widgets.update({name: _select(form, name) for name in _SELECTS})
    widgets.update({name: _checkboxes(form, name) for name in _CHECKBOXES})
    return {name: mark_safe(html) for name, html in widgets.items()}  # noqa: S308 - every value above is escaped
