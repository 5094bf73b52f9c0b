"""Schemathesis against /api/v1/openapi.json: the API does what its document says, for any input.

Every operation is called with data generated from the document, valid and
invalid, on a real school; each answer must be documented (status, content
type, body schema), never a server error, and invalid input must be refused.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from msem.api.openapi import openapi_document
from msem.inquiries.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def settings_for_the_api(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # the WSGI transport's host, the test client's
    settings.MSEM_INTAKE_LIMIT_PER_IP = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT = "100000/3600"
    settings.MSEM_INTAKE_LIMIT_PER_SCHOOL = "100000/3600"
    # As Django's test client does: the test's transaction holds the connection, a
    # request must not close it at its end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The document as /api/v1/openapi.json serves it (checked below), called in process.
schema = schemathesis.openapi.from_dict(openapi_document())
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
schema.app = get_wsgi_application()


def test_the_document_tested_is_the_one_served(client):
    assert client.get("/api/v1/openapi.json").json() == json.loads(json.dumps(openapi_document()))


@schema.parametrize()
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_document(case, school):
    Category.objects.get_or_create(
        school=school, code="village", defaults={"label_fr": "Village", "label_en": "Village"}
    )
    # A slug the document allows goes to a real school (a made-up one is a documented 404);
    # a slug the document forbids is left alone: that case tests the refusal.
    if case.path_parameters and SLUG.match(str(case.path_parameters["school"])):
        case.path_parameters["school"] = school.slug
    case.call_and_validate(
        # A request valid for the document may still be refused by the school's data
        # (a subject id that is not one of its subjects): 400, documented, not a failure.
        excluded_checks=[positive_data_acceptance],
    )
