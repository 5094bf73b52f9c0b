"""POST /api/v1/schools/<school>/inquiries: websites that post their own form."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from msem.inquiries.models import Category, Inquiry, Subject
from msem.mailing.models import OutgoingEmail

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.esf-valneige.fr"


@pytest.fixture
def declared_school(school):
    school.website_origins = ORIGIN
    school.save()
    return school


def url(school) -> str:
    return f"/api/v1/schools/{school.slug}/inquiries"


def payload(school, **changes) -> dict:
    arrival = timezone.localdate() + timedelta(days=15)
    body = {
        "language": "en",
        "subject": Subject.objects.for_school(school).live().first().pk,
        "first_name": "John",
        "last_name": "Smith",
        "email": "john.smith@example.com",
        "phone": "+44 20 7946 0958",
        "message": "Private lessons for two adults, intermediate level?",
        "arrival_date": arrival.isoformat(),
        "departure_date": (arrival + timedelta(days=6)).isoformat(),
        "participants": 2,
    }
    body.update(changes)
    return body


def post(school, body, **headers):
    return Client().post(url(school), data=json.dumps(body), content_type="application/json", **headers)


class TestIntake:
    def test_creates_the_dossier_and_the_same_two_emails_as_the_form(self, school):
        response = post(school, payload(school))

        assert response.status_code == 201
        inquiry = Inquiry.objects.get()
        assert response.json()["reference"] == inquiry.reference
        assert inquiry.source == Inquiry.Source.API
        assert inquiry.language == "en"
        assert set(OutgoingEmail.objects.values_list("kind", flat=True)) == {"notification", "acknowledgement"}
        assert OutgoingEmail.objects.get(kind="acknowledgement").language == "en"

    def test_an_idempotency_key_makes_a_retry_safe(self, school):
        first = post(school, payload(school), HTTP_IDEMPOTENCY_KEY="order-2026-000123")
        second = post(school, payload(school), HTTP_IDEMPOTENCY_KEY="order-2026-000123")
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["reference"] == second.json()["reference"]
        assert Inquiry.objects.count() == 1
        assert OutgoingEmail.objects.count() == 2

    def test_the_form_description_lists_subjects_and_categories_in_the_language(self, school):
        Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village resort")
        body = Client().get(f"/api/v1/schools/{school.slug}/form?language=en").json()
        assert body["subjects"][0]["label"] == "Request for information"
        assert body["categories"] == [{"code": "village", "label": "Village resort"}]
        assert body["category_required"] is True


class TestBadInput:
    def test_errors_are_json_per_field_in_the_requests_language(self, school):
        response = post(school, payload(school, email="not-an-address", participants=0, language="fr"))
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "Demande invalide."
        assert body["fields"]["email"] == ["Saisissez une adresse e-mail valide."]
        assert body["fields"]["participants"] == ["Indiquez au moins un participant."]
        assert not Inquiry.objects.exists()

    def test_in_english_the_errors_say_e_mail_and_participants_in_the_clients_words(self, school):
        response = post(school, payload(school, email="not-an-address", participants=501, language="en"))
        assert response.status_code == 400
        fields = response.json()["fields"]
        assert fields["email"] == ["Enter a valid e-mail address."]
        assert fields["participants"] == ["For more than 500 participants, give their number in your message."]
        assert not Inquiry.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("language", "de"),
            ("language", None),
            ("first_name", "John\r\nBcc: x@evil.test"),
            ("last_name", "=?utf-8?b?DQpCY2M6IHhAZXZpbC50ZXN0?="),
            ("email", "john@example.com\nBcc: x@evil.test"),
            ("subject", 999999),
            ("subject", "abc"),
            ("category", "unknown"),
            ("message", "x" * 5001),
            ("message", ["a", "list"]),
            ("participants", True),
            ("arrival_date", "2001-01-01"),
            ("arrival_date", "next week"),
        ],
    )
    def test_a_bad_field_stores_nothing_and_sends_nothing(self, school, field, value):
        response = post(school, payload(school, **{field: value}))
        assert response.status_code == 400
        assert field in response.json()["fields"]
        assert not Inquiry.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_a_subject_of_another_school_is_refused(self, school, other_school):
        foreign = Subject.objects.for_school(other_school).get()
        response = post(school, payload(school, subject=foreign.pk))
        assert response.status_code == 400
        assert not Inquiry.objects.exists()

    def test_not_json(self, school):
        response = Client().post(url(school), data="first_name=John", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415

    def test_invalid_json_or_utf8(self, school):
        for raw in (b"{not json", b'{"first_name": "\xff"}', b"[1, 2]"):
            response = Client().post(url(school), data=raw, content_type="application/json")
            assert response.status_code == 400
            assert "error" in response.json()
        assert not Inquiry.objects.exists()

    def test_an_oversized_body(self, school):
        response = post(school, payload(school, message="x" * 70_000))
        assert response.status_code == 413

    def test_a_malformed_idempotency_key(self, school):
        response = post(school, payload(school), HTTP_IDEMPOTENCY_KEY="bad key!")
        assert response.status_code == 400

    def test_an_unknown_school(self, school):
        assert (
            Client().post("/api/v1/schools/nowhere/inquiries", data="{}", content_type="application/json").status_code
            == 404
        )

    def test_only_post(self, school):
        assert Client().get(url(school)).status_code == 405

    def test_the_form_description_refuses_unknown_parameters(self, school):
        response = Client().get(f"/api/v1/schools/{school.slug}/form?language=en&lang=fr", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json()["error"] == "Unknown parameter: only language is accepted."

    def test_the_form_description_only_get(self, school):
        response = Client().post(f"/api/v1/schools/{school.slug}/form", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 405
        assert response["Allow"] == "GET, OPTIONS"
        assert response.json()["error"] == "Use GET."

    def test_too_many_requests(self, school, settings):
        settings.MSEM_INTAKE_LIMIT_PER_IP = "1/3600"
        assert post(school, payload(school)).status_code == 201
        response = post(school, payload(school, email="other@example.com"))
        assert response.status_code == 429
        assert response["Retry-After"] == "3600"
        assert Inquiry.objects.count() == 1


class TestHttpsOnly:
    """In production the API refuses plain HTTP instead of redirecting it (ASVS 4.1.2)."""

    @pytest.fixture(autouse=True)
    def _https_required(self, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_REDIRECT_EXEMPT = [r"^health/", r"^api/"]

    def test_a_call_over_plain_http_is_refused_in_its_language_and_stores_nothing(self, school):
        response = post(school, payload(school), HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 403
        assert response.json()["error"] == "This API is served over HTTPS only: call it with an https:// address."
        assert "Location" not in response
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not Inquiry.objects.exists()
        french = Client().get(f"/api/v1/schools/{school.slug}/form")
        assert french.json()["error"].startswith("Cette API n’est servie qu’en HTTPS")

    def test_the_same_call_over_https_goes_through(self, school):
        response = Client().post(
            url(school), data=json.dumps(payload(school)), content_type="application/json", secure=True
        )
        assert response.status_code == 201

    def test_pages_for_people_are_still_redirected_to_https(self, school):
        response = Client().get(f"/fr/{school.slug}/contact/")
        assert response.status_code == 301
        assert response["Location"].startswith("https://")


class TestCors:
    def test_a_declared_origin_may_call_from_a_browser(self, declared_school):
        preflight = Client().options(
            url(declared_school),
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, idempotency-key",
        )
        assert preflight.status_code == 204
        assert preflight["Access-Control-Allow-Origin"] == ORIGIN
        assert "Idempotency-Key" in preflight["Access-Control-Allow-Headers"]
        response = post(declared_school, payload(declared_school), HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 201
        assert response["Access-Control-Allow-Origin"] == ORIGIN

    def test_another_origin_is_refused_and_gets_no_cors_headers(self, declared_school):
        preflight = Client().options(url(declared_school), HTTP_ORIGIN="https://evil.example")
        assert preflight.status_code == 403
        assert "Access-Control-Allow-Origin" not in preflight.headers
        response = post(declared_school, payload(declared_school), HTTP_ORIGIN="https://evil.example")
        assert response.status_code == 403
        assert "Access-Control-Allow-Origin" not in response.headers
        assert not Inquiry.objects.exists()

    def test_server_to_server_calls_without_origin_are_accepted(self, declared_school):
        assert post(declared_school, payload(declared_school)).status_code == 201


def test_the_openapi_document_describes_the_intake(db):
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/schools/{school}/inquiries"]["post"]
    assert {"201", "400", "429"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["InquiryRequest"]
    assert set(schema["required"]) == {"language", "subject", "first_name", "last_name", "email", "message"}
