"""Cache-Control: no-store on what only one person should see (ASVS 14.3.2).

A back-office page, anything shown to a logged-in user, a client's quote and
payment page: none of it may stay in the browser's cache (a shared computer at
the school's desk, a family's tablet) or in a proxy's. Static files never get
here: WhiteNoise answers them earlier in the chain, with their long caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Namespaces whose pages are private whoever asks: the back office and the admin (their login pages too).
_PRIVATE_NAMESPACES = {"backoffice", "admin"}
# Public pages whose address is a secret token: the client's quote and payment pages.
_PRIVATE_VIEWS = {
    "public_site:quote",
    "public_site:quote_pdf",
    "public_site:pay",
    "public_site:pay_card",
    "public_site:pay_sandbox",
}


def is_private(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is not None and (set(match.namespaces) & _PRIVATE_NAMESPACES or match.view_name in _PRIVATE_VIEWS):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request):
            add_never_cache_headers(response)
        return response
