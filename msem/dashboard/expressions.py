"""Small SQL expressions the dashboard's aggregates need, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import F, Func, IntegerField


class BucketIndex(Func):
    """The index of the bucket a row's `field` falls in, bucket i starting at starts[i].

    Rows must already be filtered to the period. The CASE is nested as a
    binary search, so that a row costs log2(buckets) comparisons, not one per
    bucket: a season cut into weeks is 35 buckets, a year into days would be 366.
    Comparing instants is all the database does; days in Paris, with their
    summer and winter time, were worked out in Python. One node, written out
    here, rather than dozens of Case() objects the ORM would copy and hash.
    """

    output_field = IntegerField()

    def __init__(self, field: str, starts: Sequence[datetime]) -> None:
        if not starts:
            raise ValueError("a period has at least one bucket")
        super().__init__(F(field))
        self.starts = list(starts)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        column, column_params = compiler.compile(self.source_expressions[0])
        field = self.source_expressions[0].output_field
        bounds = [field.get_db_prep_value(start, connection) for start in self.starts]
        params: list[Any] = []

        def between(low: int, high: int) -> str:
            if low == high:
                return str(low)
            middle = (low + high + 1) // 2
            params.extend([*column_params, bounds[middle]])
            below = between(low, middle - 1)
            above = between(middle, high)
            return f"CASE WHEN {column} < %s THEN {below} ELSE {above} END"

        sql = between(0, len(self.starts) - 1)
        return sql, tuple(params)


class SecondsBetween(Func):
    """Whole seconds from `start` to `end`, computed by the database.

    Django's own DurationField arithmetic calls a Python function per row on
    SQLite; julianday() is native, and exact to well under a second.
    """

    output_field = IntegerField()
    arity = 2

    def __init__(self, start: str, end: str, **extra: Any) -> None:
        super().__init__(F(start), F(end), **extra)

    def _operands(self, compiler: Any) -> tuple[str, str, list[Any]]:
        """The end's SQL, the start's SQL, and their parameters in that order."""
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, [*end_params, *start_params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        end, start, params = self._operands(compiler)
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400.0) AS INTEGER)", tuple(params)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        end, start, params = self._operands(compiler)
        # date_part() is a double precision number, quicker than EXTRACT()'s numeric; the cast rounds it.
        return f"CAST(date_part('epoch', {end} - {start}) AS INTEGER)", tuple(params)
