"""The clock of the deployment: one process (`make run` starts it) enqueues periodic work."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand

from msem.platform.outage import DATABASE_UNAVAILABLE, Backoff
from msem.platform.scheduling import periodic_enqueue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue periodic work (outbox sweeps, heartbeat, hourly chores, 4807 sync) every minute, until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=60)
        parser.add_argument("--once", action="store_true", help="enqueue once and stop (for cron)")

    def handle(self, *args: Any, **options: Any) -> None:
        clock = None
        backoff = Backoff()
        # Otherwise silent while all is well: the operator who starts it sees it is running, and how often it ticks.
        logger.info("scheduler started: enqueues periodic work every %s s", options["interval"])
        while True:
            try:
                clock = periodic_enqueue(clock=clock)
            except DATABASE_UNAVAILABLE as error:
                if options["once"]:
                    raise  # cron runs it again, and should hear that this tick failed
                # The clock must outlive an outage: its sweeps restart the runs the outage broke.
                backoff.wait("scheduler", error)
                continue
            if options["once"]:
                return
            time.sleep(options["interval"])
