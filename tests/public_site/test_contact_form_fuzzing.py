"""Property-based fuzzing of the public form: whatever is posted, no 500, and nothing stored unless accepted."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msem.inquiries.models import Category, Inquiry, Subject
from msem.mailing.models import OutgoingEmail
from msem.public_site.form_token import form_token_issue
from tests.fuzzing import any_text, field_values

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def open_school(school, settings):
    """A school with categories, limits that fuzzing does not reach, no minimum fill time."""
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0
    settings.MSEM_INTAKE_LIMIT_PER_IP = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_SCHOOL = "100000/3600"
    Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
    return school


def stored(school) -> tuple[int, int]:
    return Inquiry.objects.for_school(school).count(), OutgoingEmail.objects.for_school(school).count()


@FUZZ
@given(data=st.data())
def test_whatever_is_posted_the_form_answers_and_stores_only_what_it_accepts(open_school, data):
    school = open_school
    subjects = list(Subject.objects.for_school(school).values_list("pk", flat=True))
    fields = data.draw(field_values(subjects, ["village"]))
    language = data.draw(st.sampled_from(["fr", "en"]))
    token = data.draw(st.one_of(st.just(form_token_issue(school_id=school.pk)), any_text))
    honeypot = data.draw(st.one_of(st.just(""), st.just(""), any_text))
    before = stored(school)

    response = Client().post(
        f"/{language}/{school.slug}/contact/", {**fields, "form_token": token, "website": honeypot}
    )

    assert response.status_code in (200, 302, 400, 429), response.status_code
    inquiries, emails = stored(school)
    accepted = response.status_code == 302 and "/thanks/" in response["Location"]
    if accepted and not honeypot:
        assert inquiries == before[0] + 1
        assert emails - before[1] in (1, 2)  # the acknowledgement may be capped
    else:
        # Refused, or a robot told it worked (the honeypot): nothing stored either way.
        assert (inquiries, emails) == before


@FUZZ
@given(path_part=any_text)
def test_any_address_under_the_form_is_a_page_or_a_404(school, path_part):
    response = Client().get(f"/fr/{school.slug}/contact/{path_part}")
    assert response.status_code in (200, 301, 404)
