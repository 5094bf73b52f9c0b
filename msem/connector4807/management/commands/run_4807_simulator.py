"""Serve the 4807 simulator: `make simulator`, then `MSEM_4807_URL=… MSEM_4807_TOKEN=demo-token make run`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from msem.connector4807.simulator import Simulator


class Command(BaseCommand):
    help = "Serve a 4807 gateway simulator with the demo school's accounts and price lists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=4807)
        parser.add_argument("--fault-rate", type=float, default=0.0, help="share of sale calls that fail")

    def handle(self, *args: Any, **options: Any) -> None:
        simulator = Simulator(port=options["port"])
        simulator.inject(rate=options["fault_rate"])
        self.stdout.write(f"4807 simulator at {simulator.url} — token: demo-token — Ctrl-C to stop.")
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            simulator.stop()
