"""The one domain error type. Services raise it; the API and the views map it once."""
from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    INVALID = "invalid"  # 422: bad input
    NOT_FOUND = "not_found"  # 404 (also another service point's record)
    FORBIDDEN = "forbidden"  # 403
    CONFLICT = "conflict"  # 409: state, stale version, business rule
    UNAUTHORIZED = "unauthorized"  # 401
    RATE_LIMITED = "rate_limited"  # 429


HTTP_STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNAUTHORIZED: 401,
    ErrorKind.RATE_LIMITED: 429,
}


class DomainError(Exception):
    """A refusal a user can cause: a code for machines, a message for people."""

    kind: ErrorKind = ErrorKind.CONFLICT

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 kind: ErrorKind | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        if kind is not None:
            self.kind = kind

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.kind]

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class ValidationFailed(DomainError):
    kind = ErrorKind.INVALID

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(code, message, field=field)


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self, message: str = "Not found.", *, code: str = "not_found"):
        super().__init__(code, message)


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN

    def __init__(self, message: str = "Not allowed.", *, code: str = "forbidden"):
        super().__init__(code, message)


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class RateLimited(DomainError):
    """429 with the seconds to wait (sent as the Retry-After header)."""

    kind = ErrorKind.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int, code: str = "rate_limited"):
        super().__init__(code, message)
        self.retry_after = max(1, int(retry_after))
