"""A colleague's doing slipped in between a service's check and its write, to test the guards of same-time work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def after_first(lookup: str, action: Callable[[], None]) -> Iterator[None]:
    """Run `action` right after this connection's first query containing `lookup` has answered."""
    done = False

    def wrapper(execute, sql, params, many, context) -> Any:
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and lookup in sql:
            done = True
            action()
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert done, f"the service no longer runs {lookup!r}"
