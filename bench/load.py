"""The load driver: threads, each with its own keep-alive http.client connection, for a fixed time.

Three ways to hit the server:

- "bare": POST to the bare view (one INSERT), the reference point;
- "post": POST the contact form alone, with a token made in this process;
- "get_post": GET the form like a browser, take its token from the page, POST it.

A submission succeeds when the POST answers 302 to the thanks page; the
bare view when it answers 200. Everything else is counted as an error.
"""

from __future__ import annotations

import http.client
import itertools
import math
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

TOKEN_PATTERN = re.compile(r'name="form_token" value="([^"]+)"')
SUBJECT_PATTERN = re.compile(r'<option value="(\d+)"')
MESSAGE = (
    "Bonjour, nous cherchons des cours collectifs pour deux enfants (6 et 8 ans) "
    "pendant les vacances de février, le matin si possible. Merci !"
)


class HttpClient:
    """One connection, kept alive when the server allows it, reopened when it does not."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.host = host

    def send(self, method: str, path: str, body: str | None = None) -> tuple[int, str, bytes, float]:
        headers = {"Host": self.host, "User-Agent": "msem-bench", "Accept": "text/html"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise
        return response.status, response.getheader("Location") or "", data, time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()


@dataclass
class Target:
    host: str
    port: int
    slug: str
    school_id: int
    subject_id: int

    @property
    def contact_path(self) -> str:
        return f"/fr/{self.slug}/contact/"


@dataclass
class ThreadRecord:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    submissions: list[dict[str, str]] = field(default_factory=list)
    ok: int = 0

    def latency(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)


@dataclass
class Outcome:
    kind: str
    concurrency: int
    seconds: float
    ok: int
    errors: dict[str, int]
    latencies: dict[str, list[float]]
    submissions: list[dict[str, str]]
    sent_at: dict[str, float] = field(default_factory=dict)  # e-mail → time.monotonic() the POST left

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


class TokenPool:
    """Tokens signed in this process (same SECRET_KEY), as for "POST alone"; made on demand if it runs dry."""

    def __init__(self, issue: Callable[[], str]) -> None:
        self.issue = issue
        self.tokens: deque[str] = deque()
        self.made_on_demand = 0

    def fill(self, count: int) -> None:
        self.tokens.extend(self.issue() for _ in range(count))

    def take(self) -> str:
        try:
            return self.tokens.popleft()
        except IndexError:
            self.made_on_demand += 1
            return self.issue()


_serial = itertools.count(1)


def unique_email(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}@clients.example.org"


def form_body(token: str, subject_id: int | str, email: str) -> str:
    # What a browser sends: every field of the form, the empty ones too (the honeypot included).
    return urlencode(
        {
            "form_token": token,
            "subject": subject_id,
            "first_name": "Claire",
            "last_name": "Martin",
            "email": email,
            "phone": "+33 6 12 34 56 78",
            "arrival_date": "",
            "departure_date": "",
            "participants": "2",
            "message": MESSAGE,
            "website": "",
        }
    )


def _post_form(
    client: HttpClient, target: Target, record: ThreadRecord, *, token: str, subject: int | str, tag: str
) -> tuple[str, float, float] | None:
    """POST one submission; (e-mail, when it left, latency) when it answered the thanks redirect."""
    email = unique_email(tag)
    sent_at = time.monotonic()
    status, location, _body, seconds = client.send("POST", target.contact_path, form_body(token, subject, email))
    record.latency("post", seconds)
    if status == 302 and "/contact/thanks/" in location:
        record.submissions.append({"email": email, "location": location})
        return email, sent_at, seconds
    record.errors[f"POST {status}"] += 1
    return None


def one_bare(client: HttpClient, target: Target, record: ThreadRecord, tag: str) -> None:
    status, _location, _body, seconds = client.send("POST", "/bench/bare/", urlencode({"note": tag}))
    record.latency("request", seconds)
    if status == 200:
        record.ok += 1
    else:
        record.errors[f"bare {status}"] += 1


def one_post(client: HttpClient, target: Target, record: ThreadRecord, tag: str, pool: TokenPool) -> None:
    done = _post_form(client, target, record, token=pool.take(), subject=target.subject_id, tag=tag)
    if done:
        record.ok += 1
        record.latency("request", done[2])


def one_get_post(client: HttpClient, target: Target, record: ThreadRecord, tag: str) -> None:
    status, _location, body, get_seconds = client.send("GET", target.contact_path)
    record.latency("get", get_seconds)
    token = TOKEN_PATTERN.search(body.decode("utf-8", "replace")) if status == 200 else None
    subject = SUBJECT_PATTERN.search(body.decode("utf-8", "replace")) if token else None
    if token is None or subject is None:
        record.errors[f"GET {status}"] += 1
        return
    done = _post_form(client, target, record, token=token.group(1), subject=subject.group(1), tag=tag)
    if done:
        record.ok += 1
        record.latency("request", get_seconds + done[2])


def run_for(
    kind: str,
    *,
    target: Target,
    concurrency: int,
    duration: float,
    tag: str,
    pool: TokenPool | None = None,
) -> Outcome:
    """`concurrency` threads send back to back until `duration` is over; the last answers are awaited."""

    def iteration(client: HttpClient, record: ThreadRecord) -> None:
        if kind == "bare":
            one_bare(client, target, record, tag)
        elif kind == "post":
            assert pool is not None
            one_post(client, target, record, tag, pool)
        else:
            one_get_post(client, target, record, tag)

    records = [ThreadRecord() for _ in range(concurrency)]
    start_line = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(record: ThreadRecord) -> None:
        client = HttpClient(target.host, target.port)
        start_line.wait()
        try:
            while time.perf_counter() < deadline[0]:
                try:
                    iteration(client, record)
                except (http.client.HTTPException, OSError) as error:
                    record.errors[type(error).__name__] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(record,), daemon=True) for record in records]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + duration
    start_line.wait()
    for thread in threads:
        thread.join()
    return _merge(kind, concurrency, time.perf_counter() - started, records)


def run_paced(*, target: Target, rate: float, duration: float, threads: int, tag: str, pool: TokenPool) -> Outcome:
    """POST alone at a steady `rate` per second (a schedule, not back to back), noting when each left."""
    count = int(rate * duration)
    schedule = itertools.count()
    records = [ThreadRecord() for _ in range(threads)]
    sent: dict[str, float] = {}
    started = time.monotonic() + 0.2

    def worker(record: ThreadRecord) -> None:
        client = HttpClient(target.host, target.port)
        try:
            while (number := next(schedule)) < count:
                pause = started + number / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                try:
                    done = _post_form(client, target, record, token=pool.take(), subject=target.subject_id, tag=tag)
                except (http.client.HTTPException, OSError) as error:
                    record.errors[type(error).__name__] += 1
                    continue
                if done:
                    record.ok += 1
                    sent[done[0]] = done[1]
                    record.latency("request", done[2])
        finally:
            client.close()

    workers = [threading.Thread(target=worker, args=(record,), daemon=True) for record in records]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    outcome = _merge("paced", threads, time.monotonic() - started, records)
    outcome.sent_at = sent
    return outcome


def _merge(kind: str, concurrency: int, seconds: float, records: list[ThreadRecord]) -> Outcome:
    latencies: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    submissions: list[dict[str, str]] = []
    for record in records:
        for name, values in record.latencies.items():
            latencies.setdefault(name, []).extend(values)
        errors.update(record.errors)
        submissions.extend(record.submissions)
    return Outcome(
        kind=kind,
        concurrency=concurrency,
        seconds=seconds,
        ok=sum(record.ok for record in records),
        errors=dict(errors),
        latencies=latencies,
        submissions=submissions,
    )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
    return ordered[min(len(ordered), rank) - 1]
