from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from msem.platform import health_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="backoffice:home", permanent=False)),
    path("backoffice/", include("msem.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("health/", health_views.health_view, name="health"),
    path("health/ready/", health_views.ready_view, name="health_ready"),
    path("api/v1/", include("msem.api.urls")),
    path("", include("msem.public_site.urls")),
]

# A database outage met by a middleware, before any view, is a 503 too.
handler500 = "msem.platform.database_unavailable.server_error"
# A public address answers the client's own "page not found"; the others, the back office's.
handler404 = "msem.public_site.not_found.page_not_found"
# Under /admin/, the platform operator's "access denied"; elsewhere, the back office's.
handler403 = "msem.backoffice.access_denied.permission_denied"
