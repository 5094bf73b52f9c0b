"""CORS for the public intake API: only the school's declared website origins."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from msem.schools.models import School

ALLOWED_HEADERS = "Content-Type, Idempotency-Key, Accept-Language"


def origin_allowed(request: HttpRequest, school: School) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") in school.origins


def with_cors(request: HttpRequest, response: HttpResponse, school: School, *, methods: str) -> HttpResponse:
    origin = request.headers.get("Origin")
    response.headers["Vary"] = "Origin"
    if origin and origin.rstrip("/") in school.origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response
