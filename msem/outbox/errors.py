from __future__ import annotations

from datetime import timedelta


class DeliveryError(Exception):
    """The work of an outbox row failed: for good (permanent), or worth another try later."""

    def __init__(
        self,
        detail: str,
        *,
        permanent: bool,
        code: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent
        self.code = code
        self.retry_after = retry_after
