"""A guard for the tests: a request that reads school data without naming its school fails.

Every table of school data carries school_id; a query of such a table made
while a request is served must say which school it is about
("<table>"."school_id" in its WHERE or JOIN clause). A read by id alone would
trust that the id came from the right school: the guard refuses it. Writing
back one row by its id (what saving a model does) is allowed: the row was
read through a scoped query first. So is a read that follows a relation from a
row already read (`quote.lines`, a prefetch, `payment_request.quote`): the id
it follows came from a scoped read.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.signals import request_finished, request_started

from msem.schools.models import SchoolScopedModel

_state = threading.local()


def school_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, SchoolScopedModel) and not model._meta.abstract
    }


# Reads that are legitimately not about one school: a user's memberships (the
# school switcher, the door of every page), and the counters of rate limits.
ALLOWED = [
    re.compile(r'FROM "accounts_membership".*"accounts_membership"\."user_id" ='),
    # A payment provider's reference is unique across schools: the idempotency lookup of a payment.
    re.compile(
        r'FROM "payments_payment" WHERE \("payments_payment"\."provider" = %s '
        r'AND "payments_payment"\."provider_reference" = %s\)'
    ),
    # The daily cap of acknowledgements per address counts across schools, on purpose (anti-relay).
    re.compile(
        r'^SELECT COUNT\(\*\) AS "__count" FROM "mailing_outgoingemail" '
        r'WHERE .*"kind" = %s AND "mailing_outgoingemail"\."to_email" = %s'
    ),
]

_MAIN_TABLE = re.compile(r'^\s*(?:SELECT .*? FROM|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE | re.DOTALL)
# Saving a row that was read (scoped) writes it back by its id alone: allowed for
# writes, never for reads, where an id from a request could reach another school.
# Deleting one row that was read is the same write: Django's collector says
# "id IN (%s)" for it, with one id; a list of ids stays refused.
_WRITE_BY_ID = re.compile(r'^\s*(?:UPDATE|DELETE FROM)\s+"(\w+)".* WHERE \(?"\1"\."id" (?:= %s|IN \(%s\))', re.DOTALL)


class UnscopedQuery(AssertionError):
    pass


def unscoped_table(sql: str, tables: set[str]) -> str | None:
    """The school table this statement reads or writes without naming a school, if any."""
    match = _MAIN_TABLE.match(sql)
    if match is None or match.group(1) not in tables:
        return None
    table = match.group(1)
    # Look at the conditions only: the selected columns name school_id too.
    conditions = sql[match.end() :]
    if re.search(rf'(?:"{table}"|\bU\d+)\."school_id"\s*(?:=|IN\b)', conditions) or _WRITE_BY_ID.match(sql):
        return None
    # Following a relation from a row already read (quote.lines, a prefetch):
    # the parent's id came from a scoped read.
    if re.search(rf'WHERE \(?"{table}"\."(?!id")\w+_id" (?:= %s|IN \()', conditions):
        return None
    if any(pattern.search(sql) for pattern in ALLOWED):
        return None
    return table


def _follows_a_loaded_row() -> bool:
    """Whether Django is loading a foreign key of a row already in memory (`quote.inquiry`)."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "get_object" and code.co_filename.endswith("related_descriptors.py"):
            return True
        frame = frame.f_back
    return False


# Pages about the whole deployment, for its operators: they count across schools on purpose.
PLATFORM_PATHS = ("/health/", "/admin/")


def _on_start(**kwargs: Any) -> None:
    path = (kwargs.get("environ") or {}).get("PATH_INFO", "")
    _state.in_request = not path.startswith(PLATFORM_PATHS)


def _on_finish(**kwargs: Any) -> None:
    _state.in_request = False


def guard(tables: set[str], found: list[str]) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if getattr(_state, "in_request", False):
            table = unscoped_table(sql, tables)
            if table is not None and not _follows_a_loaded_row():
                found.append(f"{table}: {sql[:300]}")
                if log := os.environ.get("MSEM_TENANT_GUARD_LOG"):
                    with open(log, "a") as out:
                        out.write(f"{table}: {sql[:2000]}\n")
        return execute(sql, params, many, context)

    return wrapper


def connect_signals() -> None:
    # A response never closed (a streamed CSV left unread) leaves no request_finished:
    # each test starts outside any request.
    _state.in_request = False
    request_started.connect(_on_start, dispatch_uid="tenant_guard_start")
    request_finished.connect(_on_finish, dispatch_uid="tenant_guard_finish")
