"""{{ instance|choice_label:"field" }}: what instance.get_<field>_display() gives, faster;
{{ name|in_sentence }}: a language's name as it stands inside a sentence.

Django's get_<field>_display builds a dictionary of the field's choices at
each call, translating every label to hash it: about 100 µs for an e-mail's
kind, four times per e-mail of a dossier's timeline. The labels are read once
per field and language here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _labels(field: Field, language: str | None) -> dict[Any, str]:  # type: ignore[type-arg]
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def choice_label(instance: Model, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)  # type: ignore[union-attr]
    return force_str(_labels(field, get_language()).get(value, value))  # type: ignore[arg-type]


@register.filter
def in_sentence(name: str) -> str:
    """ "Écrivez en français", but "Write in French": French writes a language's name in lower case."""
    return name.lower() if get_language() == "fr" else name
