"""Input hardening at the one edge every request passes (API, console, portal, admin).

Before any view runs, every text a client sends — query parameters, form fields, JSON
strings and keys — is checked once:
- NUL and other control characters (tab, CR and LF allowed) → 422 `invalid_characters`
  naming the field (PostgreSQL cannot store NUL; nobody types the others);
- dates and months outside INPUT_MIN_YEAR..INPUT_MAX_YEAR → 422 `out_of_range`;
- JSON integers beyond 64 bits, JSON numbers that are not finite or beyond ±1e15, and
  numbers in exponent notation beyond ±1e15 → 422 `out_of_range`;
- API query parameters of digits beyond 64 bits → 422 `out_of_range`;
- bodies above the limit → 413, URLs above URL_MAX_LENGTH → 414.
A value the checks cannot know (a path id beyond 64 bits on SQLite, say) still never ends
as a 500: an overflow or data error from the database driver answers 422 too.
"""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import CoreCode, DomainError, ValidationFailed

INT64_MAX = 2 ** 63 - 1
NUMBER_LIMIT = Decimal(10) ** 15
INPUT_MIN_YEAR = 1900
INPUT_MAX_YEAR = 2200
URL_MAX_LENGTH = 4096
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_LIKE = re.compile(r"^\s*([+-]?\d{4,})-(\d{1,2})(-\d{1,2})?([T ].*)?$")
DIGITS = re.compile(r"^\s*[+-]?\d+\s*$")
EXPONENT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*$")


class TooLarge(DomainError):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(code, message)
        self._status = status

    @property
    def status(self) -> int:
        return self._status


def _invalid_characters(field: str) -> ValidationFailed:
    return ValidationFailed(_("Control characters are not allowed."), field=field,
                            code=CoreCode.INVALID_CHARACTERS)


def out_of_range(field: str | None) -> ValidationFailed:
    return ValidationFailed(_("This value is out of range."), field=field, code=CoreCode.OUT_OF_RANGE)


def check_text(value: str, *, field: str) -> None:
    if CONTROL.search(value):
        raise _invalid_characters(field)
    match = DATE_LIKE.match(value)
    if match and not INPUT_MIN_YEAR <= int(match.group(1)) <= INPUT_MAX_YEAR:
        raise out_of_range(field)
    if EXPONENT.match(value):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise out_of_range(field)


def _check_json(value, *, field: str) -> None:
    if isinstance(value, str):
        check_text(value, field=field)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > INT64_MAX:
            raise out_of_range(field)
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= NUMBER_LIMIT:
            raise out_of_range(field)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{field}.{key}" if field else str(key)
            if CONTROL.search(str(key)):
                raise _invalid_characters(name)
            _check_json(item, field=name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, field=f"{field}.{index}" if field else str(index))


def _body_limit(request) -> int:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return settings.MULTIPART_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_request(request) -> None:
    """Raise a DomainError (422/413/414) for input no view should ever see."""
    if len(request.get_full_path()) > URL_MAX_LENGTH:
        raise TooLarge(414, CoreCode.URI_TOO_LONG, _("The address is too long."))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _body_limit(request):
        raise TooLarge(413, CoreCode.TOO_LARGE, _("The request is too large."))
    is_api = request.path.startswith("/api/")
    for name in request.GET:
        if CONTROL.search(name):
            raise _invalid_characters(name[:40].translate({i: None for i in range(32)}))
        for value in request.GET.getlist(name):
            check_text(value, field=name)
            if is_api and DIGITS.match(value) and abs(int(value)) > INT64_MAX:
                raise out_of_range(name)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return  # the API's own parser answers malformed JSON
        _check_json(data, field="")
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        for name in request.POST:
            for value in request.POST.getlist(name):
                check_text(value, field=name)
            if CONTROL.search(name):
                raise _invalid_characters("form")

