"""A local HTTP server answering the few Stripe API endpoints Msem uses, for the real `stripe` library.

It creates Checkout Sessions (POST /v1/checkout/sessions), remembers them,
and honours Idempotency-Key like Stripe does (same key → same session).
It also signs webhook events the way Stripe does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.mailing.smtp_server import free_port


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """line_items[0][price_data][unit_amount]=… → nested dicts (lists as dicts keyed by index)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeStripe:
    def __init__(self) -> None:
        self.port = free_port()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.by_idempotency_key: dict[str, str] = {}
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                params = _nest(parse_qsl(body, keep_blank_values=True))
                fake.requests.append({"path": self.path, "params": params, "headers": dict(self.headers)})
                if self.path != "/v1/checkout/sessions":
                    self._answer(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                    return
                if not self.headers.get("Authorization", "").startswith("Bearer sk_test_"):
                    self._answer(401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}})
                    return
                key = self.headers.get("Idempotency-Key", "")
                if key and key in fake.by_idempotency_key:
                    self._answer(200, fake.sessions[fake.by_idempotency_key[key]])
                    return
                session = fake.new_session(params)
                if key:
                    fake.by_idempotency_key[key] = session["id"]
                self._answer(200, session)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_session(self, params: dict[str, Any]) -> dict[str, Any]:
        item = params["line_items"]["0"]
        amount = int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "amount_total": amount,
            "currency": item["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "mode": params.get("mode"),
            "payment_status": "unpaid",
            "payment_intent": None,
            "status": "open",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
        }
        self.sessions[session_id] = session
        return session

    def start(self) -> FakeStripe:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def completed_event(session: dict[str, Any], *, amount: int | None = None, event_id: str | None = None) -> bytes:
    """The webhook Stripe sends when the client has paid the session."""
    paid = dict(session, payment_status="paid", status="complete", payment_intent=f"pi_{secrets.token_hex(10)}")
    if amount is not None:
        paid["amount_total"] = amount
    event = {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": "checkout.session.completed",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "data": {"object": paid},
    }
    return json.dumps(event).encode()


def signature(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    moment = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"
