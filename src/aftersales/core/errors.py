"""The one domain error type. Services raise it; the API and the views map it once."""
from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _


class ErrorKind(StrEnum):
    INVALID = "invalid"  # 422: bad input
    NOT_FOUND = "not_found"  # 404 (also another service point's record)
    FORBIDDEN = "forbidden"  # 403
    CONFLICT = "conflict"  # 409: state, stale version, business rule
    UNAUTHORIZED = "unauthorized"  # 401
    RATE_LIMITED = "rate_limited"  # 429


class CoreCode(StrEnum):
    """The error codes the core app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    BAD_REQUEST = "bad_request"  # the request cannot be read
    CONFLICT = "conflict"  # the request conflicts with the record's state
    FORBIDDEN = "forbidden"  # the actor's role may not do this
    INVALID = "invalid"  # bad input (the field is named)
    INVALID_CREDENTIALS = "invalid_credentials"  # wrong user name or password
    #: not a valid unified social credit code (统一社会信用代码)
    INVALID_CREDIT_CODE = "invalid_credit_code"
    INVALID_IMEI = "invalid_imei"  # not a valid IMEI (15 digits, Luhn check)
    INVALID_PHONE = "invalid_phone"  # not a valid Chinese phone number
    METHOD_NOT_ALLOWED = "method_not_allowed"  # the endpoint does not take this HTTP method
    NOT_FOUND = "not_found"  # no such record (also: another service point's record)
    RATE_LIMITED = "rate_limited"  # too many requests; try again later
    REQUIRED = "required"  # a required field is empty
    TOO_LONG = "too_long"  # the text is longer than the field allows
    UNAUTHORIZED = "unauthorized"  # no valid token or session
    #: a control character (NUL and the like; tab, CR, LF allowed) in a text
    INVALID_CHARACTERS = "invalid_characters"
    OUT_OF_RANGE = "out_of_range"  # a number or date beyond what the database holds
    TOO_LARGE = "too_large"  # 413: the request body is too large
    URI_TOO_LONG = "uri_too_long"  # 414: the address is too long
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    SERVER_ERROR = "server_error"  # 500: a fault on the server's side
    UNAVAILABLE = "unavailable"  # 503: the database or a service is briefly away
    LOGIN_LOCKED = "login_locked"  # too many failed sign-ins; see Retry-After
    #: the Idempotency-Key was used before for a different request
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"


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

    def __init__(self, code: StrEnum | str, message: str, *, field: str | None = None,
                 kind: ErrorKind | None = None):
        super().__init__(message)
        self.code = str(code)  # an app's error-code enum (<app>/errors.py); its value
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

    def __init__(self, message: str, *, field: str | None = None,
                 code: StrEnum | str = CoreCode.INVALID):
        super().__init__(code, message, field=field)


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self, message: str | None = None, *,
                 code: StrEnum | str = CoreCode.NOT_FOUND):
        super().__init__(code, message or _("Not found."))


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN

    def __init__(self, message: str | None = None, *,
                 code: StrEnum | str = CoreCode.FORBIDDEN):
        super().__init__(code, message or _("Not allowed."))


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class RateLimited(DomainError):
    """429 with the seconds to wait (sent as the Retry-After header)."""

    kind = ErrorKind.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int,
                 code: StrEnum | str = CoreCode.RATE_LIMITED):
        super().__init__(code, message)
        self.retry_after = max(1, int(retry_after))
