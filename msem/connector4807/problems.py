"""What a sale's report to 4807 that did not go through means, said plainly to the manager who must act.

The outbox keeps 4807's answer as it came ("HTTP 422: {"error": "invalid_sale", …}",
"ConnectionError: HTTPSConnectionPool(…)"): exact, for support, but technical. The
manager needs to know whether she has anything to do, and what: most often nothing
(Msem tries again by itself), sometimes a product or a catalog to correct in 4807,
sometimes the platform's administrators to call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from msem.connector4807.models import SalePush

_HTTP_ANSWER = re.compile(r"HTTP (\d{3}): ?(.*)", re.DOTALL)
# UnreadableTokenGateway's reason (gateway.py): the school's key to 4807 cannot be decrypted.
_TOKEN_UNREADABLE = "4807 token of school"

# Kinds, for tests and templates that need to tell them apart.
RETRYING = "retrying"
ACCESS_REFUSED = "access_refused"
SALE_REFUSED = "sale_refused"
KEY_REUSED = "key_reused"
KEY_UNREADABLE = "key_unreadable"
NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class PushProblem:
    kind: str
    summary: str  # what happened
    advice: str  # what to do
    reasons: list[str] = field(default_factory=list)  # 4807's own words on the sale, when it gave any
    answer: str = ""  # 4807's answer as it came, for support
    urgent: bool = True  # something for her to do; else Msem is on it


def push_problem(push: SalePush) -> PushProblem | None:
    """The problem of a report not yet through, or None when it went through or nothing went wrong yet."""
    if push.status == SalePush.Status.SENT or not push.last_error:
        return None
    answer = push.last_error
    if _TOKEN_UNREADABLE in answer:
        return PushProblem(
            kind=KEY_UNREADABLE,
            summary=_("Msem cannot read the school's access key to 4807."),
            advice=_(
                "Ask the platform's administrators to enter the school's 4807 key again; "
                "the sale then goes to 4807 by itself."
            ),
            answer=answer,
        )
    match = _HTTP_ANSWER.match(answer)
    code = int(match.group(1)) if match else None
    if push.status != SalePush.Status.FAILED:
        return PushProblem(
            kind=RETRYING,
            summary=_("4807 did not answer, or was busy."),
            advice=_("Nothing to do: Msem tries again by itself."),
            answer=answer,
            urgent=False,
        )
    if code in (401, 403):
        return PushProblem(
            kind=ACCESS_REFUSED,
            summary=_("4807 refused Msem's access key for the school."),
            advice=_("Ask the platform's administrators to check the school's 4807 key, then press “Retry”."),
            answer=answer,
        )
    if code == 409:
        return PushProblem(
            kind=KEY_REUSED,
            summary=_("4807 already holds a different sale under this sale's number."),
            advice=_(
                "Look in 4807 whether this sale is already there, and tell the platform's administrators "
                "before pressing “Retry”."
            ),
            answer=answer,
        )
    if code in (400, 422):
        return PushProblem(
            kind=SALE_REFUSED,
            summary=_("4807 refused this sale as it is."),
            advice=_(
                "Check in 4807 that the catalog and the products of this quote exist under the same codes "
                "(one may have been renamed or removed since the quote), correct them in 4807, "
                "then press “Retry”."
            ),
            reasons=_reasons(match.group(2) if match else ""),
            answer=answer,
        )
    return PushProblem(
        kind=NO_ANSWER,
        summary=_("4807 did not answer, and Msem has stopped trying."),
        advice=_("Once 4807 answers again, press “Retry”."),
        answer=answer,
    )


def _reasons(body: str) -> list[str]:
    """4807's list of what is wrong with the sale ({"details": [...]}, docs/4807-connector.md), if it gave one."""
    try:
        document = json.loads(body)
    except ValueError:
        return []
    details = document.get("details") if isinstance(document, dict) else None
    if not isinstance(details, list):
        return []
    return [str(detail)[:200] for detail in details[:10]]
