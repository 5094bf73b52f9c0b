"""Another URL configuration, for test_url_cache.py."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, school_slug):
    return HttpResponse()


backoffice = ([path("<slug:school_slug>/", _page, name="inquiries")], "backoffice")
urlpatterns = [path("elsewhere/", include(backoffice))]
