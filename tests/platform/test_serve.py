"""`make run` (manage.py serve) stops whole: Ctrl-C or a plain `kill` leaves no process behind.

The web server and the workers are started with Django's autoreloader, each a
parent with a child that does the work; a stop that reached only the parents
would leave the children serving and sending, with nobody to stop them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.mailing.smtp_server import free_port
from tests.mailing.test_worker_process import database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def descendants(parent: int) -> set[int]:
    """Every live process under this one, from /proc (zombies count as gone)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        try:
            text = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if text:
            state, ppid = text[text.rindex(")") + 2 :].split()[:2]
            if state != "Z":
                parents[int(entry.name)] = int(ppid)
    found: set[int] = set()
    frontier = {parent}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a shell does for `make run &`


@pytest.mark.parametrize(
    ("stop", "in_background"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["ctrl-c", "kill", "kill, started in the background"],
)
def test_serve_stops_with_every_process_it_started(stop, in_background, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "true", "MSEM_VAR_DIR": str(tmp_path)}
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the test's own group, so that a leftover can be cleaned up below
        preexec_fn=_ignore_ctrl_c if in_background else None,  # noqa: PLW1509 (sets a signal, nothing more)
    )
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while not answers(f"http://127.0.0.1:{port}/backoffice/login/"):
            assert serve.poll() is None, "serve stopped before it answered"
            assert time.monotonic() < deadline, "serve did not answer within 60 s"
            time.sleep(0.3)
        # The web server, two workers and the clock, with the autoreloaders' children.
        started = descendants(serve.pid)
        assert len(started) >= 4

        serve.send_signal(stop)

        assert serve.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in started if alive(pid)] == []
        assert not answers(f"http://127.0.0.1:{port}/backoffice/login/")
    finally:
        # Whatever is left: serve's group, and the groups of its children (each has its own).
        for pid in {serve.pid, *started}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
