"""Property-based fuzzing of the intake API: any body, any header, no 500 and nothing stored unless 201."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msem.inquiries.models import Category, Inquiry, Subject
from msem.mailing.models import OutgoingEmail
from tests.fuzzing import any_text, field_values, json_values

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 201, 400, 403, 413, 415, 429}


@pytest.fixture
def open_school(school, settings):
    settings.MSEM_INTAKE_LIMIT_PER_IP = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_SCHOOL = "100000/3600"
    Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
    return school


def stored(school) -> tuple[int, int]:
    return Inquiry.objects.for_school(school).count(), OutgoingEmail.objects.for_school(school).count()


def post(school, body: bytes, content_type: str = "application/json", **headers):
    return Client().post(f"/api/v1/schools/{school.slug}/inquiries", body, content_type=content_type, **headers)


def check(school, response, before) -> None:
    assert response.status_code in ANSWERS, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    inquiries, emails = stored(school)
    if response.status_code == 201:
        assert set(answer) == {"reference", "received_at"}
        assert inquiries == before[0] + 1
        assert emails - before[1] in (1, 2)
    else:
        assert (inquiries, emails) == before
        if response.status_code != 200:
            assert answer["error"]


@FUZZ
@given(data=st.data())
def test_fields_plausible_or_hostile(open_school, data):
    school = open_school
    subjects = list(Subject.objects.for_school(school).values_list("pk", flat=True))
    body = data.draw(field_values(subjects, ["village"]))
    body["language"] = data.draw(st.one_of(st.sampled_from(["fr", "en"]), json_values))
    # Some fields as JSON numbers, lists, objects, null …
    for name in data.draw(st.lists(st.sampled_from(sorted(body)), max_size=3, unique=True)):
        body[name] = data.draw(json_values)
    key = data.draw(st.one_of(st.none(), st.sampled_from(["order-2026-000123"]), any_text.filter(str.isprintable)))
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    before = stored(school)

    response = post(school, json.dumps(body).encode(), **headers)

    check(school, response, before)


@FUZZ
@given(body=json_values)
def test_any_json_document(open_school, body):
    before = stored(open_school)
    check(open_school, post(open_school, json.dumps(body).encode()), before)


@FUZZ
@given(body=st.binary(max_size=2000), content_type=st.sampled_from(["application/json", "text/plain", "", "x/y"]))
def test_any_bytes_with_any_content_type(open_school, body, content_type):
    before = stored(open_school)
    check(open_school, post(open_school, body, content_type=content_type), before)


@FUZZ
@given(origin=any_text.filter(str.isprintable), language=any_text.filter(str.isprintable))
def test_any_origin_and_language_header(open_school, origin, language):
    before = stored(open_school)
    response = post(open_school, b'{"language": "fr"}', HTTP_ORIGIN=origin, HTTP_ACCEPT_LANGUAGE=language)
    check(open_school, response, before)
