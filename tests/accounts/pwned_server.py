"""A local HTTP server speaking Have I Been Pwned's Pwned Passwords range API.

GET /range/<5 hex digits> answers "SUFFIX:COUNT" lines for the breached
passwords it was given, plus padding lines of count 0 when Add-Padding: true is
sent (like the real service). `mode` makes it fail: "error" answers 500, "hang"
never answers before the client's timeout.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.mailing.smtp_server import free_port


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


class FakePwnedPasswords:
    def __init__(self, breached: dict[str, int] | None = None, *, lower_case: bool = False) -> None:
        self.port = free_port()
        self.breached = {sha1(password): count for password, count in (breached or {}).items()}
        self.lower_case = lower_case
        self.mode = "normal"
        self.requests: list[dict[str, str]] = []
        self.hang_seconds = 3.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                if fake.mode == "hang":
                    time.sleep(fake.hang_seconds)
                if fake.mode == "error":
                    self._answer(500, "internal error")
                    return
                prefix = self.path.removeprefix("/range/")
                if len(prefix) != 5 or not all(c in "0123456789ABCDEFabcdef" for c in prefix):
                    self._answer(400, "The hash prefix was not in a valid format")
                    return
                known = fake.breached.items()
                lines = [f"{digest[5:]}:{count}" for digest, count in known if digest.startswith(prefix.upper())]
                if self.headers.get("Add-Padding") == "true":
                    # Fake suffixes with count 0, one of them the suffix a test asks about as a decoy.
                    lines += [f"{index:035X}:0" for index in range(1, 40)]
                    lines += [f"{digest[5:]}:0" for digest in fake.padding_suffixes_for(prefix)]
                body = "\r\n".join(line.lower() if fake.lower_case else line for line in lines)
                self._answer(200, body)

            def _answer(self, status: int, body: str) -> None:
                data = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up waiting (the "hang" mode)

            def log_message(self, *args: object) -> None:
                return

        self.padding: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True

    def padding_suffixes_for(self, prefix: str) -> list[str]:
        return [digest for digest in self.padding if digest.startswith(prefix.upper())]

    def pad_with(self, password: str) -> None:
        """Make the answer for this password's prefix carry its suffix with count 0 (a padding line)."""
        self.padding.add(sha1(password))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakePwnedPasswords:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
