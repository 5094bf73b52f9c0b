"""The "page not found" of the whole site: the client's own page under a public address.

Django has one handler404 for every address, so the address decides: a
client who follows a mistyped or outdated link (/fr/…, /en/…) gets a page
in the public site's look and the link's language, naming the school when
the address names one, never the back office's page and its login button.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import defaults

from msem.public_site.views import LANGUAGES
from msem.schools.models import School

# The public addresses start with a language (/fr/…, /en/…, and a mistyped
# one such as /de/…); the back office, the API and the admin never do.
PUBLIC_PATH = re.compile(r"^/(?P<language>[a-zA-Z]{2})(?:/(?P<second>[^/]+))?(?:/|$)")
# /<lang>/pay/<token>/ names no school; /<lang>/<school>/… does.
NOT_A_SCHOOL = {"pay"}
# A client whose language we do not speak reads English more often than French.
FALLBACK_LANGUAGE = "en"
SLUG_MAX_LENGTH = 50  # SlugField's; a longer segment names no school.


def _client_language(request: HttpRequest, in_path: str) -> str:
    if in_path in LANGUAGES:
        return in_path
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if (language := code.split("-", 1)[0].lower()) in LANGUAGES:
            return language
    return FALLBACK_LANGUAGE


def _school_named(second: str | None) -> School | None:
    if not second or second in NOT_A_SCHOOL or len(second) > SLUG_MAX_LENGTH:
        return None
    return School.objects.only("name", "slug", "main_email").filter(slug=second).first()


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    match = PUBLIC_PATH.match(request.path_info)
    if match is None:
        return defaults.page_not_found(request, exception)
    language = _client_language(request, match["language"].lower())
    with translation.override(language):
        context = {"language": language, "school": _school_named(match["second"])}
        response = HttpResponseNotFound(render_to_string("public_site/not_found.html", context, request=request))
    response["Content-Language"] = language
    return response
