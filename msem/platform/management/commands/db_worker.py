"""`manage.py db_worker`: django-tasks-db's worker, made to outlive a database outage.

The stock loop ends the process on any database error but "database is
locked", and a task that fails because the database went away raises again
while being marked failed. Either way the worker is gone until someone
restarts it. This one waits the outage out (msem/platform/outage.py) and
carries on. A task that was running when the database went away may stay
RUNNING in the task table: the outbox rows it held are taken over when their
lease ends (msem/outbox/worker.py), and the scheduler's sweeps start new runs.

msem.platform comes before django_tasks_db in INSTALLED_APPS so that this
command is the one `manage.py db_worker` runs.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker as stock

from msem.platform.outage import DATABASE_UNAVAILABLE, Backoff


class Worker(stock.Worker):
    def run(self) -> None:
        backoff = Backoff()
        while self.running:
            try:
                super().run()
                return
            except DATABASE_UNAVAILABLE as error:
                backoff.wait(f"worker {self.worker_id}", error)


class Command(stock.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        # The stock command builds its Worker from the module's global name.
        original = stock.Worker
        stock.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            stock.Worker = original  # type: ignore[misc]
