"""The clock of the deployment: one process (`make run` starts it) enqueues periodic work."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from msem.platform.scheduling import periodic_enqueue


class Command(BaseCommand):
    help = "Enqueue periodic work (outbox sweeps, 4807 price list sync) every minute, until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=60)
        parser.add_argument("--once", action="store_true", help="enqueue once and stop (for cron)")

    def handle(self, *args: Any, **options: Any) -> None:
        last_sync = None
        while True:
            last_sync = periodic_enqueue(last_sync=last_sync)
            if options["once"]:
                return
            time.sleep(options["interval"])
