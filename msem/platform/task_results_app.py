"""django-tasks-db's app, named in the admin's language.

Its own AppConfig names it "Tasks Database Backend", a plain string no catalog can
translate; the label stays the library's, so its tables and migrations are unchanged.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # the library typed its plain str
