from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from msem.mailing.composition import FOOTER_SEPARATOR, mail_compose
from msem.mailing.placeholders import (
    ALLOWED_BY_KIND,
    fill_placeholders,
    placeholders_used,
    validate_placeholders,
)


class TestValidation:
    def test_allowed_placeholders_pass(self):
        validate_placeholders("Bonjour {client_name}, {reference}", allowed=ALLOWED_BY_KIND["acknowledgement"])

    def test_an_unknown_placeholder_is_refused_by_name(self):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            validate_placeholders("Hi {client_name} {firstname}", allowed=("client_name",))
        assert error.value.messages == ["Unknown placeholder: {firstname}. You can use: {client_name}."]

    @pytest.mark.parametrize(
        "text",
        ["{client_name.__class__}", "{client_name!r}", "{client_name:>10}", "{0}", "{}", "{ client_name }"],
    )
    def test_anything_but_a_bare_known_name_between_braces_is_refused(self, text):
        with pytest.raises(ValidationError):
            validate_placeholders(text, allowed=("client_name",))

    @pytest.mark.parametrize(
        "text", ["Bonne journée {client_name", "Demande reference} reçue", "{{client_name}", "{client_name}}", "{a\nb}"]
    )
    def test_a_brace_alone_is_refused(self, text):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            validate_placeholders(text, allowed=("client_name", "reference"))
        assert error.value.messages[0].startswith("A brace is alone: write a placeholder between two braces")

    def test_a_brace_alone_and_an_unknown_name_are_both_reported(self):
        with pytest.raises(ValidationError) as error:
            validate_placeholders("{firstname} {client_name", allowed=("client_name",))
        assert [e.code for e in error.value.error_list] == ["lone_brace", "unknown_placeholder"]

    def test_a_placeholder_of_another_kind_is_refused(self):
        with pytest.raises(ValidationError):
            validate_placeholders("{payment_link}", allowed=ALLOWED_BY_KIND["acknowledgement"])

    def test_double_braces_write_a_literal_brace(self):
        validate_placeholders("{{not a placeholder}}", allowed=())
        assert fill_placeholders("{{client_name}}", {"client_name": "X"}) == "{client_name}"

    def test_lists_the_placeholders_used(self):
        assert placeholders_used("{a} {{b}} {c}") == ["a", "c"]


class TestFilling:
    def test_values_are_substituted_once_and_never_reinterpreted(self):
        assert fill_placeholders("{client_name}", {"client_name": "{reference}", "reference": "R"}) == "{reference}"

    def test_an_unknown_placeholder_is_left_as_typed(self):
        assert fill_placeholders("{nope}", {}) == "{nope}"


class TestComposition:
    def test_text_then_signature_then_footer(self):
        mail = mail_compose(
            subject="Demande {reference}",
            body="Bonjour {client_name},\n\nMerci.",
            signature="L’équipe de {school_name}",
            footer="{school_name} — mentions",
            values={"client_name": "Claire", "reference": "DEM-1", "school_name": "ESF X"},
        )
        assert mail.subject == "Demande DEM-1"
        assert mail.text == f"Bonjour Claire,\n\nMerci.\n\nL’équipe de ESF X\n\n{FOOTER_SEPARATOR}\nESF X — mentions\n"

    def test_the_subject_never_carries_a_line_break_even_from_a_value(self):
        mail = mail_compose(
            subject="{client_name}", body="", signature="", footer="", values={"client_name": "A\r\nBcc: x@y"}
        )
        assert "\n" not in mail.subject
        assert "\r" not in mail.subject
