"""The task queue's results in the admin, in the administrator's language.

django-tasks and django-tasks-db ship no translations and a few column names as plain
strings. Their admin is kept, its plain names replaced here; the names their models give
with gettext_lazy are translated in our own catalogs (the list below is where
makemessages finds them).
"""

from __future__ import annotations

from datetime import datetime

import django_tasks_db.admin  # registers the library's admin first, so that it can be replaced
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult

# django-tasks-db's own messages (models.py) and django-tasks' statuses (base.py), word for word:
# a new version's new or reworded message shows in English until it is added here.
LIBRARY_MESSAGES = (
    _("Task Result"),
    _("Task Results"),
    _("status"),
    _("enqueued at"),
    _("started at"),
    _("finished at"),
    _("args kwargs"),
    _("priority"),
    _("task path"),
    _("worker id"),
    _("queue name"),
    _("backend name"),
    _("run after"),
    _("return value"),
    _("exception class path"),
    _("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(django_tasks_db.admin.DBTaskResultAdmin):
    # "id" and "task_name" would be titled from their Python names, in English.
    list_display = ("task_id", "task", *django_tasks_db.admin.DBTaskResultAdmin.list_display[2:])

    def get_readonly_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        fields[fields.index("id")] = "task_id"
        return fields

    @admin.display(description=_("ID"), ordering="id")
    def task_id(self, obj: DBTaskResult) -> str:
        return str(obj.id)

    @admin.display(description=_("Task"))
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:
        return super().display_run_after(obj)
