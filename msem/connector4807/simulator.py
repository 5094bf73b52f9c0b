"""A 4807 gateway simulator, for development and tests: the contract of docs/4807-connector.md.

    manage.py run_4807_simulator --port 4807

It knows the demo school's accounts and price lists (each token, like 4807's, is one
school's: another token gets 401, and reads or replays none of its sales), records sales
once per idempotency key, and injects faults on demand, over HTTP:

    POST /_simulator/faults  {"sales": ["error500", "hang", "drop_after_record"], "rate": 0.1}
    GET  /_simulator/sales   every sale recorded, with its key
    POST /_simulator/reset   forget sales and faults

Faults of "sales" apply to POST /sales, in order, one per call (or at random
with "rate"): error500, error429 (Retry-After: 1), hang (longer than any
client waits), slow (1 s), drop_after_record (the sale is recorded, then the
connection is cut before the answer), validation (422).
"""

from __future__ import annotations

import json
import random
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from msem.catalog.importing import catalog_file_read
from msem.demo.services import DEMO_PRICE_LISTS, PRICE_LISTS_DIR, demo_season

HANG_SECONDS = 30
FAULTS = ("error500", "error429", "hang", "slow", "drop_after_record", "validation")


@dataclass
class Establishment:
    """What 4807 knows of one school: its accounts (catalog codes) and price lists."""

    accounts: dict[str, str]
    products: dict[str | None, list[dict[str, str]]]


def demo_establishment() -> Establishment:
    """The demo school as 4807 knows it: the same accounts and price lists as `make run`'s demo."""
    valid_from, valid_until = demo_season(date.today())
    season = {"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(), "active": "true"}
    accounts, products = {}, {}
    for file_name, code, account_name in DEMO_PRICE_LISTS:
        rows = catalog_file_read(content=(PRICE_LISTS_DIR / file_name).read_bytes())
        products[code or None] = [{**row.values, **season} for row in rows]
        if code:
            accounts[code] = account_name
    return Establishment(accounts=accounts, products=products)


@dataclass
class SimulatorState:
    # bearer token → establishment
    establishments: dict[str, Establishment]
    sales: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key → sale
    # sale id → the token that recorded it: as 4807, a school reads and replays its own sales only.
    sale_tokens: dict[str, str] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    fault_rate: float = 0.0
    fault_choices: tuple[str, ...] = ()
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> str | None:
        with self.lock:
            self.calls += 1
            if self.faults:
                return self.faults.pop(0)
            if self.fault_rate and random.random() < self.fault_rate:  # noqa: S311 (simulated faults)
                return random.choice(self.fault_choices or FAULTS)  # noqa: S311
        return None


def _handler(state: SimulatorState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body leave in two writes: without TCP_NODELAY the body waits for the
        # client's delayed ACK (~40 ms per call on a kept-alive connection), as no real server does.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            return

        def _answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            return json.loads(raw or b"{}")

        def _token(self) -> str:
            return self.headers.get("Authorization", "").removeprefix("Bearer ").strip()

        def _establishment(self) -> Establishment | None:
            establishment = state.establishments.get(self._token())
            if establishment is None:
                self._answer(401, {"error": "invalid_token"})
            return establishment

        def do_GET(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            if path == "/_simulator/sales":
                self._answer(200, {"sales": list(state.sales.values()), "calls": state.calls})
                return
            establishment = self._establishment()
            if establishment is None:
                return
            parts = [unquote(part) for part in path.split("/") if part]
            if len(parts) == 4 and parts[:3] == ["api", "v1", "accounts"]:
                name = establishment.accounts.get(parts[3])
                if name is None:
                    self._answer(404, {"error": "unknown_account"})
                else:
                    self._answer(200, {"code": parts[3], "name": name, "active": True})
            elif len(parts) == 5 and parts[:3] == ["api", "v1", "catalogs"] and parts[4] == "products":
                key = None if parts[3] == "public" else parts[3]
                if key is not None and key not in establishment.accounts:
                    self._answer(404, {"error": "unknown_account"})
                else:
                    self._answer(200, {"catalog": key, "products": establishment.products.get(key, [])})
            elif len(parts) == 4 and parts[:3] == ["api", "v1", "sales"]:
                sale = next((s for s in state.sales.values() if s["id"] == parts[3]), None)
                if sale is None or state.sale_tokens.get(sale["id"]) != self._token():
                    self._answer(404, {"error": "unknown_sale"})  # another school's sale is none of this one's
                else:
                    self._answer(200, sale)
            else:
                self._answer(404, {"error": "not_found"})

        def do_POST(self) -> None:
            routes = {
                "/_simulator/faults": self._post_faults,
                "/_simulator/reset": self._post_reset,
                "/api/v1/sales": self._post_sale,
            }
            route = routes.get(self.path.rstrip("/"))
            if route is None:
                self._answer(404, {"error": "not_found"})
            else:
                route()

        def _post_faults(self) -> None:
            body = self._body()
            with state.lock:
                state.faults = [fault for fault in body.get("sales", []) if fault in FAULTS]
                state.fault_rate = float(body.get("rate", 0))
                state.fault_choices = tuple(body.get("choices", FAULTS))
            self._answer(200, {"faults": state.faults, "rate": state.fault_rate})

        def _post_reset(self) -> None:
            with state.lock:
                state.sales.clear()
                state.sale_tokens.clear()
                state.faults.clear()
                state.fault_rate, state.calls = 0.0, 0
            self._answer(200, {})

        def _fault_answered(self, fault: str | None) -> bool:
            """Play the fault; True when it already answered (or hung up)."""
            if fault == "hang":
                time.sleep(HANG_SECONDS)
            elif fault == "slow":
                time.sleep(1)
            answers = {
                "error500": (500, {"error": "internal_error"}, {}),
                "error429": (429, {"error": "too_many_requests"}, {"Retry-After": "1"}),
                "validation": (422, {"error": "invalid_sale", "details": ["simulated validation error"]}, {}),
            }
            if fault in answers:
                status, payload, headers = answers[fault]
                self._answer(status, payload, headers)
                return True
            return False

        def _post_sale(self) -> None:
            establishment = self._establishment()
            if establishment is None:
                return
            key = self.headers.get("Idempotency-Key", "")
            body = self._body()
            if not key:
                self._answer(400, {"error": "idempotency_key_required"})
                return
            fault = state.next_fault()
            if self._fault_answered(fault):
                return
            missing = [name for name in ("reference", "client", "lines", "total") if not body.get(name)]
            if missing:
                self._answer(422, {"error": "invalid_sale", "details": [f"missing {name}" for name in missing]})
                return
            with state.lock:
                sale = state.sales.get(key)
                created = sale is None
                if sale is None:
                    sale = {"id": f"V-{len(state.sales) + 1:06d}", "key": key, "status": "recorded", "body": body}
                    state.sales[key] = sale
                    state.sale_tokens[sale["id"]] = self._token()
            # The same key from another school: not a replay of its sale, whose number it must not learn.
            if sale["body"] != body or state.sale_tokens.get(sale["id"]) != self._token():
                self._answer(409, {"error": "idempotency_key_reused"})
                return
            if fault == "drop_after_record":
                # Recorded, but the answer never arrives: the client must try again, safely.
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self._answer(201 if created else 200, {"id": sale["id"], "status": sale["status"]})

    return Handler


class Simulator:
    def __init__(
        self,
        *,
        port: int = 0,
        establishments: dict[str, Establishment] | None = None,
        state: SimulatorState | None = None,
    ) -> None:
        # Given the state of a stopped simulator, a new one on its port is the same 4807 back up.
        self.state = state or SimulatorState(establishments=establishments or {"demo-token": demo_establishment()})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.state))
        self.server.daemon_threads = True

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self) -> Simulator:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def inject(self, *faults: str, rate: float = 0.0) -> None:
        with self.state.lock:
            self.state.faults = list(faults)
            self.state.fault_rate = rate

    @property
    def sales(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.sales.values())


def new_token() -> str:
    return secrets.token_urlsafe(16)
