"""The refusals the simulated API answers with."""

from __future__ import annotations


class ApiError(Exception):
    """An answer Sarbacane would give instead of doing the request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
