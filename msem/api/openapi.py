"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from msem.inquiries.models import MAX_PARTICIPANTS, MESSAGE_MAX_LENGTH, NAME_MAX_LENGTH, PHONE_MAX_LENGTH

SCHOOL_PARAMETER = {
    "name": "school",
    "in": "path",
    "required": True,
    "description": "The school's slug, as in its contact form's address.",
    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
}

ERROR = {
    "type": "object",
    "required": ["error", "fields"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, in the request's language."},
        "fields": {
            "type": "object",
            "description": "Field name → messages, in the request's language.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict[str, Any]:
    inquiry_request = {
        "type": "object",
        "required": ["language", "subject", "first_name", "last_name", "email", "message"],
        "properties": {
            "language": {"type": "string", "enum": ["fr", "en"], "description": "The client's language."},
            "subject": {"type": "integer", "description": "Id of a subject listed by …/form in that language."},
            "category": {
                "type": ["string", "null"],
                "description": "Code of a category listed by …/form; required when the school has categories.",
            },
            "first_name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
            "last_name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "phone": {"type": ["string", "null"], "maxLength": PHONE_MAX_LENGTH, "examples": ["+33 6 12 34 56 78"]},
            "message": {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX_LENGTH},
            "arrival_date": {"type": ["string", "null"], "format": "date"},
            "departure_date": {"type": ["string", "null"], "format": "date"},
            "participants": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_PARTICIPANTS},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Msem API",
            "version": "1.0.0",
            "description": (
                "Public intake of requests for schools' websites that post their own contact form, "
                "and staff endpoints. Errors are JSON, in the request's language (`language` field, "
                "else Accept-Language; French by default). HTTPS only: a call over plain HTTP is "
                "refused with 403, never redirected."
            ),
        },
        "servers": [{"url": settings.MSEM_BASE_URL + "/api/v1"}],
        "paths": {
            "/schools/{school}/form": {
                "get": {
                    "operationId": "getIntakeForm",
                    "summary": "The subjects and categories to offer on a website's own form",
                    "parameters": [
                        SCHOOL_PARAMETER,
                        {
                            "name": "language",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["fr", "en"], "default": "fr"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "What the form offers in that language.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IntakeForm"}}},
                        },
                        "400": _error_response("Unknown language, or a parameter other than language."),
                        "403": _error_response("Called over plain HTTP."),
                        "404": {"description": "No such school."},
                    },
                }
            },
            "/schools/{school}/inquiries": {
                "post": {
                    "operationId": "createInquiry",
                    "summary": "Send a client's request to the school",
                    "description": (
                        "Creates the dossier, notifies the subject's address and acknowledges the client "
                        "by e-mail. Browsers may call it only from the school's declared website origins "
                        "(CORS). Send an Idempotency-Key to make retries safe: the same key gives the "
                        "first dossier back with status 200."
                    ),
                    "parameters": [
                        SCHOOL_PARAMETER,
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,80}$"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InquiryRequest"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "Received.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Received"}}},
                        },
                        "200": {
                            "description": "Already received with this Idempotency-Key.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Received"}}},
                        },
                        "400": _error_response("Invalid request; nothing stored, nothing sent."),
                        "403": _error_response(
                            "The calling website is not one of the school's origins, or the call came over plain HTTP."
                        ),
                        "404": {"description": "No such school."},
                        "413": _error_response("Body larger than 64 KiB."),
                        "415": _error_response("Not JSON."),
                        "429": _error_response("Too many requests from this address or for this client."),
                        "503": {"description": "Temporarily unavailable; nothing stored."},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": ERROR,
                "InquiryRequest": inquiry_request,
                "Received": {
                    "type": "object",
                    "required": ["reference", "received_at"],
                    "properties": {
                        "reference": {"type": "string", "examples": ["DEM-2026-00042"]},
                        "received_at": {"type": "string", "format": "date-time"},
                    },
                },
                "IntakeForm": {
                    "type": "object",
                    "properties": {
                        "school": {"type": "string"},
                        "language": {"type": "string", "enum": ["fr", "en"]},
                        "subjects": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"id": {"type": "integer"}, "label": {"type": "string"}},
                            },
                        },
                        "categories": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
                            },
                        },
                        "category_required": {"type": "boolean"},
                    },
                },
            }
        },
    }


@require_safe
def openapi_view(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response
