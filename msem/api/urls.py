from django.urls import path

from msem.api import intake_views, openapi

app_name = "api"

urlpatterns = [
    path("openapi.json", openapi.openapi_view, name="openapi"),
    path("schools/<slug:school_slug>/inquiries", intake_views.intake_view, name="intake"),
    path("schools/<slug:school_slug>/form", intake_views.intake_form_view, name="intake_form"),
]
