"""The platform administrators' admin: Django's, with the deployment's health on its first page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from msem.platform.health import health_report, outbox_failures_by_school


class MsemAdminSite(admin.AdminSite):
    site_header = _("Msem — platform administration")
    site_title = "Msem"
    index_title = _("Platform administration")
    index_template = "admin/msem_index.html"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {"health": health_report(), "failures_by_school": outbox_failures_by_school()}
        return super().index(request, extra_context=context | (extra_context or {}))
