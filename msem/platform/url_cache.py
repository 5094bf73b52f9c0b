"""reverse() kept per process: the same view and arguments give the same address.

Django's reverse() costs about 55 µs here (it matches each candidate pattern
with a regular expression) and a back-office page calls it twenty times or
more, from its menu, forms and links: about a millisecond of every page. An
address depends only on the URL configuration, the script prefix, the
language and its arguments, all of which are in the key. Only plain strings
and integers are kept: an object's text could change while it stays equal.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = (str, int)


@lru_cache(maxsize=8192)
def _reverse(
    view_name: str,
    *,
    args: tuple[str | int, ...],
    kwargs: tuple[tuple[str, str | int], ...],
    current_app: str | None,
    urlconf: str | None,
    script_prefix: str,
    language: str | None,
) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def reverse_cached(
    view_name: str,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    kwargs = kwargs or {}
    plain = isinstance(view_name, str) and all(type(value) in _PLAIN for value in (*args, *kwargs.values()))
    if not plain:
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        view_name,
        args=tuple(args),
        kwargs=tuple(sorted(kwargs.items())),
        current_app=current_app,
        urlconf=get_urlconf(),
        script_prefix=get_script_prefix(),
        language=get_language(),
    )


@receiver(setting_changed)
def _forget_on_new_urlconf(*, setting: str, **_kwargs: Any) -> None:
    # The key names the URL configuration when a request chose its own (request.urlconf), not the
    # setting's: a test that overrides ROOT_URLCONF empties the cache, as Django empties its own.
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
