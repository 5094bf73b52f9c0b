"""The platform administrators' admin: Django's, with the deployment's health on its first page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from msem.platform.health import health_report, outbox_failures_by_school


class MsemAdminSite(admin.AdminSite):
    site_header = _("Msem — platform administration")
    site_title = "Msem"
    index_title = _("Platform administration")
    index_template = "admin/msem_index.html"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """One password form for everyone: the back office's, whose failed attempts are throttled.

        Django's own admin form would be a second way to guess passwords, without
        the throttle. A school's staff, already logged in, is refused here rather
        than sent to log in again (which would bring her straight back).
        """
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('backoffice:login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {"health": health_report(), "failures_by_school": outbox_failures_by_school()}
        return super().index(request, extra_context=context | (extra_context or {}))
