"""POST /api/v1/schools/<school>/inquiries: the intake for websites that post their own form.

Same validation, same e-mails, same limits as the public form. Errors are
JSON, translated into the request's language.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from msem.api.cors import origin_allowed, with_cors
from msem.inquiries.abuse import intake_allowed, intake_count
from msem.inquiries.intake import IntakeForm
from msem.inquiries.models import Inquiry
from msem.inquiries.reception import inquiry_receive
from msem.inquiries.selectors import categories_live, inquiry_for_intake_key, subjects_live
from msem.platform.client_ip import client_ip
from msem.schools.models import School

MAX_BODY_BYTES = 64 * 1024
LANGUAGES = ("fr", "en")
_IDEMPOTENCY_KEY = re.compile(r"\A[A-Za-z0-9_.:-]{8,80}\Z")
FIELDS = (
    "subject",
    "category",
    "first_name",
    "last_name",
    "email",
    "phone",
    "message",
    "arrival_date",
    "departure_date",
    "participants",
)


def _error(status: int, message: str, *, field_errors: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": field_errors or {}}, status=status)


def _request_language(request: HttpRequest, body: dict[str, Any] | None) -> str:
    if body and body.get("language") in LANGUAGES:
        return str(body["language"])
    accept = request.headers.get("Accept-Language", "")
    return "en" if accept.lower().startswith("en") else "fr"


def _school(slug: str) -> School:
    return get_object_or_404(School, slug=slug)


def _read_body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    if request.content_type != "application/json":
        return _error(415, _("Send the request as JSON (Content-Type: application/json)."))
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, _("The request is too large."))
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(400, _("The request is not valid JSON in UTF-8."))
    if not isinstance(body, dict):
        return _error(400, _("The request must be a JSON object."))
    return body


def _form_data(body: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The JSON values as the form reads them, and the fields whose JSON type is wrong."""
    data: dict[str, str] = {}
    type_errors: dict[str, list[str]] = {}
    for name in FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            type_errors[name] = [_("Give a text or a whole number.")]
        else:
            data[name] = str(value)
    return data, type_errors


@csrf_exempt
def intake_view(request: HttpRequest, school_slug: str) -> HttpResponse:
    school = _school(school_slug)
    if request.method == "OPTIONS":
        if not origin_allowed(request, school):
            return _error(403, _("This website is not allowed to send requests to this school."))
        return with_cors(request, HttpResponse(status=204), school, methods="POST, OPTIONS")
    if request.method != "POST":
        response = _error(405, _("Use POST."))
        response["Allow"] = "POST, OPTIONS"
        return response
    body = _read_body(request)
    language = _request_language(request, body if isinstance(body, dict) else None)
    with translation.override(language):
        response = body if isinstance(body, JsonResponse) else _intake(request, school, body, language)
    return with_cors(request, response, school, methods="POST, OPTIONS")


def _intake(request: HttpRequest, school: School, body: dict[str, Any], language: str) -> JsonResponse:
    if not origin_allowed(request, school):
        return _error(403, _("This website is not allowed to send requests to this school."))
    if body.get("language") not in LANGUAGES:
        return _error(400, _("Invalid request."), field_errors={"language": [_("Use fr or en.")]})
    key = request.headers.get("Idempotency-Key", "")
    if key and not _IDEMPOTENCY_KEY.match(key):
        return _error(400, _("The Idempotency-Key header must have 8 to 80 letters, digits or . _ : -"))
    intake_key = f"api:{key}" if key else ""
    values, type_errors = _form_data(body)
    form = IntakeForm(values, school=school, language=language)
    if not form.is_valid() or type_errors:
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        return _error(400, _("Invalid request."), field_errors=errors | type_errors)
    data = form.intake_data()
    if intake_key and (already := inquiry_for_intake_key(school=school, key=intake_key)):
        return _received(already, status=200)
    ip_address = client_ip(request)
    if not intake_allowed(school=school, ip_address=ip_address, email=data.email):
        response = _error(429, _("Too many requests. Try again later."))
        response["Retry-After"] = "3600"
        return response
    receipt = inquiry_receive(school=school, data=data, intake_key=intake_key, source=Inquiry.Source.API)
    if receipt.created:
        intake_count(school=school, ip_address=ip_address, email=data.email)
    return _received(receipt.inquiry, status=201 if receipt.created else 200)


def _received(inquiry: Inquiry, *, status: int) -> JsonResponse:
    return JsonResponse({"reference": inquiry.reference, "received_at": inquiry.received_at.isoformat()}, status=status)


@csrf_exempt
def intake_form_view(request: HttpRequest, school_slug: str) -> HttpResponse:
    """GET …/form?language=fr: the subjects and categories a website's own form should offer."""
    school = _school(school_slug)
    if request.method == "OPTIONS":
        return with_cors(request, HttpResponse(status=204), school, methods="GET, OPTIONS")
    if request.method != "GET":
        with translation.override(_request_language(request, None)):
            response = _error(405, _("Use GET."))
        response["Allow"] = "GET, OPTIONS"
        return response
    language = request.GET.get("language", "fr")
    if set(request.GET) - {"language"}:
        with translation.override(_request_language(request, None)):
            error = _error(400, _("Unknown parameter: only language is accepted."))
        return with_cors(request, error, school, methods="GET, OPTIONS")
    if language not in LANGUAGES:
        return with_cors(request, _error(400, "language: fr | en"), school, methods="GET, OPTIONS")
    label = "label_en" if language == "en" else "label_fr"
    categories = list(categories_live(school=school))
    payload = {
        "school": school.name,
        "language": language,
        "subjects": [
            {"id": subject.pk, "label": getattr(subject, label)}
            for subject in subjects_live(school=school).exclude(**{label: ""})
        ],
        "categories": [{"code": category.code, "label": getattr(category, label)} for category in categories],
        "category_required": bool(categories),
    }
    return with_cors(request, JsonResponse(payload), school, methods="GET, OPTIONS")
