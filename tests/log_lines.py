"""A logger's lines as the production JSON formatter writes them, kept for a test to read."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from msem.platform.json_logs import JsonFormatter


class _Keep(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def json_lines_of(logger_name: str, lines: list[str] | None = None) -> Iterator[list[str]]:
    kept: list[str] = [] if lines is None else lines
    handler = _Keep(kept)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield kept
    finally:
        logger.removeHandler(handler)
