from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from msem.validators import validate_no_control_characters, validate_single_line, validate_website_origins


@pytest.mark.parametrize(
    "value",
    ["a\rb", "a\nb", "a\x00b", "a\u2028b", "a\x85b", "=?utf-8?q?=0D=0ABcc:_x@y?=", "=?UTF-8?B?DQpCY2M6IHhAeQ==?="],
)
def test_single_line_refuses_header_breaking_characters(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


def test_single_line_accepts_accents_and_punctuation():
    validate_single_line("Demande d'informations — cours « privés » ?")


def test_multi_line_text_accepts_line_breaks_but_not_other_control_characters():
    validate_no_control_characters("Bonjour,\r\n\tMerci")
    with pytest.raises(ValidationError):
        validate_no_control_characters("Bonjour\x07")


def test_website_origins_one_per_line():
    validate_website_origins("https://www.esf-valneige.fr\nhttp://localhost:8000/\n")
    for bad in ("www.esf.fr", "https://esf.fr/contact", "javascript:alert(1)", "https://user@esf.fr"):
        with pytest.raises(ValidationError):
            validate_website_origins(bad)
