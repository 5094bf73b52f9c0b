"""/health/ for monitoring, /health/ready/ for the load balancer."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from msem.platform.health import database_ping, health_report


@never_cache
@require_safe
def health_view(request: HttpRequest) -> JsonResponse:
    """Everything an operator is alerted on: 503 as soon as one check fails."""
    report = health_report()
    return JsonResponse(report.as_json(), status=200 if report.ok else 503)


@never_cache
@require_safe
def ready_view(request: HttpRequest) -> JsonResponse:
    """Can this web process serve? Only the database matters: a late worker is no reason to stop serving pages."""
    database_ms = database_ping()
    ok = database_ms is not None
    return JsonResponse({"status": "ok" if ok else "failing", "database_ms": database_ms}, status=200 if ok else 503)
