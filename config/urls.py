from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Msem — administration de la plateforme"
admin.site.site_title = "Msem"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="backoffice:home", permanent=False)),
    path("backoffice/", include("msem.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("msem.api.urls")),
    path("", include("msem.public_site.urls")),
]
