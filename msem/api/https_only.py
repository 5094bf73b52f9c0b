"""The API over plain HTTP is refused, not redirected (ASVS 4.1.2).

A browser that types http:// is sent to https:// (SECURE_SSL_REDIRECT). A program
calling the API over http:// would have sent its request, client data included,
in clear before any redirect; following the redirect would hide that mistake for
ever. It gets a 403 that says why, so the website's developer fixes the address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class HttpsOnlyApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and settings.SECURE_SSL_REDIRECT and not request.is_secure():
            language = "en" if request.headers.get("Accept-Language", "").lower().startswith("en") else "fr"
            with translation.override(language):
                message = _("This API is served over HTTPS only: call it with an https:// address.")
            return JsonResponse({"error": message, "fields": {}}, status=403)
        return self.get_response(request)
