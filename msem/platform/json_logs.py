"""Log lines as JSON objects, one per line: what log collectors index without parsing rules.

Each line carries the time, level, logger and message, the request id and the
school of the request being served (msem/platform/request_context.py), the
fields a caller passed with `extra=`, and the exception if there is one.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from msem.platform import request_context

# The attributes every LogRecord has: anything else came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Django's own lines ("Not Found: /fr/…/quote/<token>/") name the path, and the
# paths of quotes and payment links carry their secret token.
_SECRET_PATH = re.compile(r"/(quote|pay)/[^/\s'\"]+")
# A password reset or invitation link: /backoffice/reset/<user id>/<token>/, /backoffice/invitation/…
_RESET_PATH = re.compile(r"/(reset|invitation)/[^/\s'\"]+/[^/\s'\"]+")
# Django passes the request object along; its repr is the path again.
_DROPPED = {"request"}


def redacted(text: str) -> str:
    return _RESET_PATH.sub(r"/\1/…", _SECRET_PATH.sub(r"/\1/…", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redacted(record.getMessage()),
        }
        if current := request_context.request_id.get():
            line["request_id"] = current
        if slug := request_context.school.get():
            line["school"] = slug
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """For a developer's terminal: the same context, on one readable line."""

    def format(self, record: logging.LogRecord) -> str:
        text = redacted(super().format(record))
        context = " ".join(
            f"{name}={value}"
            for name, value in (
                ("request", request_context.request_id.get()),
                ("school", request_context.school.get()),
            )
            if value
        )
        return f"{text} [{context}]" if context else text
