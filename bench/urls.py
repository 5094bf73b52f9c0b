"""The application's URLs plus the reference point of the bench: a bare view that does one INSERT."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

BARE_TABLE = "bench_hit"


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """One INSERT of the posted note into a small table, nothing else: what any write costs."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (created_at, note) VALUES (%s, %s)",  # noqa: S608 (constant table name)
            [now, request.POST.get("note", "")[:100]],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_insert, name="bench_bare"),
    path("", include("config.urls")),
]
