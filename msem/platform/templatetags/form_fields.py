from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def input_for(field: BoundField, label: str = "", **attrs: Any) -> SafeString:
    """The field's widget, labelled for screen readers, followed by its errors.

    Lines of the settings page have their labels in the column headers, so
    each input carries an aria-label; its errors are tied to it with
    aria-describedby so they are read out with the field.
    """
    widget_attrs = {name.replace("_", "-"): value for name, value in attrs.items()}
    if label:
        widget_attrs["aria-label"] = label
    if field.errors:
        widget_attrs["aria-describedby"] = f"{field.auto_id}_error"
        widget_attrs["aria-invalid"] = "true"
    html = field.as_widget(attrs=widget_attrs)
    if field.errors:
        html += format_html(
            '<p class="field-error" id="{}_error">{}</p>',
            field.auto_id,
            format_html_join(" ", "{}", ((error,) for error in field.errors)),
        )
    return html
