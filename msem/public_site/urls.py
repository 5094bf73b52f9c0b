from django.urls import re_path

from msem.public_site import views

app_name = "public_site"

LANGUAGE = r"(?P<language>fr|en)"
SCHOOL = r"(?P<school_slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    re_path(rf"^{LANGUAGE}/{SCHOOL}/contact/$", views.contact_view, name="contact"),
    re_path(
        rf"^{LANGUAGE}/{SCHOOL}/contact/thanks/(?P<receipt>[-:\w]+)/$",
        views.contact_thanks_view,
        name="contact_thanks",
    ),
]
