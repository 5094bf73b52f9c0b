"""{{ instance|choice_label:"field" }} writes what get_<field>_display() writes."""

from __future__ import annotations

import pytest
from django.utils import translation

from msem.accounts.models import Membership, Role
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.platform.templatetags.choices import choice_label, in_sentence


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_same_labels_as_djangos_display_methods(language):
    cases = [
        (Inquiry, "status", Inquiry.Status.values),
        (Inquiry, "language", Inquiry.Language.values),
        (InquiryEvent, "kind", InquiryEvent.Kind.values),
        (OutgoingEmail, "kind", OutgoingEmail.Kind.values),
        (OutgoingEmail, "status", OutgoingEmail.Status.values),
        (Membership, "role", Role.values),
    ]
    with translation.override(language):
        for model, field, values in cases:
            for value in [*values, "unknown-value"]:
                instance = model(**{field: value})
                assert choice_label(instance, field) == getattr(instance, f"get_{field}_display")(), (model, value)
    with translation.override("en"):
        assert choice_label(Inquiry(status="new"), "status") == "New"
    with translation.override("fr"):
        assert choice_label(Inquiry(status="new"), "status") == "Nouvelle"


def test_a_language_name_inside_a_sentence():
    with translation.override("fr"):
        assert in_sentence(choice_label(Inquiry(language="en"), "language")) == "anglais"
    with translation.override("en"):
        assert in_sentence(choice_label(Inquiry(language="fr"), "language")) == "French"
