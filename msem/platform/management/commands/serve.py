"""`make run`: the web app, the background workers and the clock, side by side, until Ctrl-C.

Two workers: one for the e-mails alone, one for every other queue. A hung 4807
then holds the second one only, and the clients' acknowledgements still leave
within seconds (config/settings.py TASKS, docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# The background workers, by name: the `manage.py` arguments of each.
WORKERS: dict[str, list[str]] = {
    "mail worker": ["db_worker", "--interval", "1", "--queue-name", "mail"],
    "worker": ["db_worker", "--interval", "1", "--queue-name", "*", "--exclude-queues", "mail"],
}


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve the web app on 127.0.0.1:$PORT and run the background workers, until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        # A plain `kill` (a process manager, a container's stop) stops everything as Ctrl-C does;
        # by default it would end this process alone and leave the server and the workers running.
        signal.signal(signal.SIGTERM, _interrupt)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = {
            "web": ["runserver", f"{options['host']}:{options['port']}"],
            **WORKERS,
            "clock": ["schedule"],
        }
        # Each in a process group of its own, which _stop signals whole: with DEBUG on, the
        # autoreloader runs the work in a child process that a signal to its parent alone misses.
        children = {
            name: subprocess.Popen([*manage, *arguments], start_new_session=True)
            for name, arguments in commands.items()
        }
        self.stdout.write(f"Msem is at http://{options['host']}:{options['port']}/backoffice/ — Ctrl-C to stop.")
        try:
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"The {name} process stopped (exit code {child.returncode}).")
                        return self._stop(children, exit_code=1)
                time.sleep(0.5)
        except KeyboardInterrupt:
            self._stop(children, exit_code=0)

    def _stop(self, children: dict[str, subprocess.Popen], *, exit_code: int) -> None:
        # SIGTERM, not SIGINT: a shell ignores SIGINT for what it starts in the background, and
        # the workers finish their task on either (django-tasks-db's db_worker).
        for child in children.values():
            _signal_group(child, signal.SIGTERM)
        # A worker finishes the task in hand; a reloader's child may outlive its parent, so wait for the groups.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_group_alive(child) for child in children.values()):
            time.sleep(0.1)
        for child in children.values():
            _signal_group(child, signal.SIGKILL)  # whatever is left of the group, a reloader's child included
            child.wait()
        if exit_code:
            sys.exit(exit_code)


def _group_alive(child: subprocess.Popen) -> bool:
    child.poll()  # reaps the group's leader once it has ended
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
