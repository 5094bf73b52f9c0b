"""The clients of a stream: people sending the contact form, and Stripe telling us of payments.

Both behave as the real ones do when the service is briefly down: a person
who sees "try again in a few minutes" sends the same form again (the same
page, so the same single-use token), and Stripe delivers the same event again
until it gets a 2xx. Anything else than a success, a 503 or a cut connection
is a problem the test reports (a 500 above all).
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from msem.payments.models import PaymentRequest
from msem.public_site.form_token import form_token_issue
from msem.schools.models import School
from tests.faults.stack import WEBHOOK_SECRET
from tests.payments.stripe_server import completed_event, signature

# How long a client keeps trying one submission or one payment before the test calls it lost.
GIVE_UP_SECONDS = 90
PAUSE_AFTER_FAILURE = 0.3
SUBMISSION_PAUSE = 0.25
_serial = itertools.count(1)


@dataclass
class Answer:
    status: int
    location: str
    body: str


@dataclass
class Tally:
    """What the clients saw, for the assertions and for the failure message."""

    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # e-mail addresses of the submissions thanked
    paid: list[int] = field(default_factory=list)  # payment requests whose event was taken
    unavailable_page: str = ""  # the last 503 page the form answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, label: str) -> None:
        with self.lock:
            self.statuses[label] += 1

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


class Stream:
    """Submissions (two threads), payments and a secretary's inbox (one thread each) until stopped, through outages."""

    def __init__(
        self,
        base_url: str,
        school: School,
        *,
        subject_id: int,
        category: str,
        payments: list[PaymentRequest],
        secretary_cookie: str,
    ) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.school = school
        self.subject_id = subject_id
        self.category = category
        self.payments = list(payments)
        self.secretary_cookie = secretary_cookie
        self.tally = Tally()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._submissions, daemon=True),
            threading.Thread(target=self._submissions, daemon=True),
            threading.Thread(target=self._pay_all, daemon=True),
            threading.Thread(target=self._read_the_inbox, daemon=True),
        ]

    def start(self) -> Stream:
        for thread in self._threads:
            thread.start()
        return self

    def wait_for(self, accepted: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.tally.accepted) < accepted:
            assert time.monotonic() < deadline, f"the stream stalled: {self.tally.statuses}, {self.tally.problems}"
            time.sleep(0.1)

    def stop(self) -> Tally:
        """Let each client finish what it is sending (retrying as needed), then stop."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=GIVE_UP_SECONDS + 30)
        return self.tally

    # --- Requests -------------------------------------------------------------------

    def _send(self, path: str, body: bytes | None, headers: dict[str, str]) -> Answer | None:
        client = http.client.HTTPConnection(self.host, self.port, timeout=40)
        try:
            method = "GET" if body is None else "POST"
            client.request(method, path, body=body, headers={"Host": self.host, **headers})
            response = client.getresponse()
            return Answer(response.status, response.getheader("Location") or "", response.read().decode())
        except (OSError, http.client.HTTPException) as error:
            self.tally.saw(f"connection error ({type(error).__name__})")
            return None
        finally:
            client.close()

    def _until_done(self, what: str, attempt) -> bool:
        """Try again after a 503 or a cut connection; True once done, False on anything else."""
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while time.monotonic() < deadline:
            answer = attempt()
            if answer is None:
                time.sleep(PAUSE_AFTER_FAILURE)
                continue
            self.tally.saw(f"{what} {answer.status}")
            if answer.status == 503:
                if what == "form":
                    self.tally.unavailable_page = answer.body
                time.sleep(PAUSE_AFTER_FAILURE)  # the page says "a few minutes"; a test has seconds
                continue
            return answer.status in (200, 302)
        self.tally.problem(f"{what}: still refused after {GIVE_UP_SECONDS} s")
        return False

    # --- The contact form -------------------------------------------------------------

    def _submissions(self) -> None:
        while not self._stop.is_set():
            self._submit_one()
            # A busy morning, not a load test: the workers must keep up on a loaded 2-core machine.
            time.sleep(SUBMISSION_PAUSE)

    def _submit_one(self) -> None:
        email = f"client-{next(_serial)}@faults.example.org"
        # One page, one token: sending the same page again is what a person does after an error.
        body = urlencode(
            {
                "form_token": form_token_issue(school_id=self.school.pk),
                "subject": self.subject_id,
                "category": self.category,
                "first_name": "Claire",
                "last_name": "Martin",
                "email": email,
                "phone": "+33 6 12 34 56 78",
                "participants": "2",
                "message": "Bonjour, des cours collectifs pour deux enfants en février ?",
                "website": "",
            }
        ).encode()
        answers: list[Answer] = []

        def attempt() -> Answer | None:
            answer = self._send(
                f"/fr/{self.school.slug}/contact/", body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            if answer is not None:
                answers.append(answer)
            return answer

        if self._until_done("form", attempt) and "/contact/thanks/" in answers[-1].location:
            with self.tally.lock:
                self.tally.accepted.append(email)
        elif answers:
            last = answers[-1]
            self.tally.problem(f"form for {email}: {last.status} {last.location} {last.body[:500]}")

    # --- A secretary at work -----------------------------------------------------------

    def _read_the_inbox(self) -> None:
        """The inbox, reloaded now and then: the page, or the 503 page during an outage; never a 500."""
        while not self._stop.is_set():
            answer = self._send(f"/backoffice/{self.school.slug}/inquiries/", None, {"Cookie": self.secretary_cookie})
            if answer is not None:
                self.tally.saw(f"inbox {answer.status}")
                if answer.status not in (200, 503):
                    self.tally.problem(f"inbox: {answer.status} {answer.location} {answer.body[:500]}")
            time.sleep(0.5)

    # --- Stripe's webhook -------------------------------------------------------------

    def _pay_all(self) -> None:
        for payment_request in self.payments:
            if self._stop.is_set():
                return
            self._pay(payment_request)
            time.sleep(0.4)

    def _pay(self, payment_request: PaymentRequest) -> None:
        session = {
            "id": f"cs_test_faults_{payment_request.pk}",
            "object": "checkout.session",
            "currency": "eur",
            "amount_total": int(payment_request.amount * 100),
            "client_reference_id": payment_request.reference,
            "metadata": {"school": str(payment_request.school_id), "payment_request": str(payment_request.pk)},
        }
        payload = completed_event(session)  # one event, delivered again and again until taken
        answers: list[Answer] = []

        def attempt() -> Answer | None:
            # Stripe signs each delivery anew.
            headers = {"Content-Type": "application/json", "Stripe-Signature": signature(payload, WEBHOOK_SECRET)}
            answer = self._send("/payments/stripe/webhook/", payload, headers)
            if answer is not None:
                answers.append(answer)
            return answer

        if self._until_done("webhook", attempt) and answers[-1].body.startswith(("applied", "already applied")):
            with self.tally.lock:
                self.tally.paid.append(payment_request.pk)
        elif answers:
            self.tally.problem(f"payment {payment_request.reference}: {answers[-1].status} {answers[-1].body[:500]}")
