"""A 4807 address that answers with a redirect: nothing is followed, the school's token goes nowhere else."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from msem.connector4807.gateway import GatewayUnreachable, HttpGateway
from msem.outbox.errors import DeliveryError


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []
    target = ""

    def _answer(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization", "")))
        if self.path.startswith("/elsewhere"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"code": "X", "name": "Elsewhere", "id": "1", "products": []}')
            return
        self.send_response(302)
        self.send_header("Location", f"{self.target}/elsewhere{self.path}")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.seen = []
    Recorder.target = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Recorder.target
    server.shutdown()
    server.server_close()


def test_a_redirect_is_not_followed_on_a_read(redirecting_server):
    gateway = HttpGateway(base_url=redirecting_server, token="school-token")

    with pytest.raises(GatewayUnreachable, match="302"):
        gateway.account_lookup("CE-ALPES")

    assert [path for path, _ in Recorder.seen] == ["/accounts/CE-ALPES"]


def test_a_redirect_is_not_followed_on_a_sale(redirecting_server):
    gateway = HttpGateway(base_url=redirecting_server, token="school-token")

    with pytest.raises(DeliveryError, match="302"):
        gateway.sale_record(payload={"total": "10.00"}, idempotency_key="sale-1")

    assert [path for path, _ in Recorder.seen] == ["/sales"]
