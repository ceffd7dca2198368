"""What every router shares: bearer auth, the error shape, list pages, money in JSON."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import Field, PlainSerializer

from .errors import DomainError, ErrorKind, ValidationFailed
from .keyset import page as keyset_page
from .models import ApiToken
from .money import format_money

# Money in JSON is a string with two decimals ("50.00"); input is a number or a string
# with at most two decimals, never negative unless a schema says so.
Money = Annotated[Decimal, PlainSerializer(format_money, return_type=str)]
MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=0)]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class JsonRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese names stay readable in responses and logs."""

    json_dumps_params = {"ensure_ascii": False}


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, key_hash=_hash(key),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return key


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (ApiToken.objects.select_related("user", "user__service_point")
                 .filter(key_hash=_hash(token), expires_at__gt=timezone.now()).first())
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def _field_of(loc: tuple | list) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header")]
    parts = [p for p in parts if not p.isdigit()] or parts
    return ".".join(parts) or None


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        message = first.get("msg", "Invalid input.")
        if field:
            message = f"{field}: {message}"
        return api.create_response(request, error_body("invalid", message, field), status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, error_body("unauthorized", "Authentication required."), status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 429: "rate_limited"}
        return api.create_response(
            request, error_body(codes.get(exc.status_code, "error"), str(exc)),
            status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, error_body("forbidden", "Not allowed."), status=403)


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut, 429: ErrorOut}


def page_params(page: int, page_size: int) -> tuple[int, int]:
    if page < 1:
        raise ValidationFailed(_("page starts at 1."), field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(_("page_size is 1 to %(most)d.") % {"most": MAX_PAGE_SIZE},
                               field="page_size")
    return page, page_size


def paginate(request, qs, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE,
             cursor: str | None = None, keyset: bool = False) -> dict[str, Any]:
    """One query per page: fetch one row more than asked to know whether a next page exists.

    With `keyset` the `next` link carries a `cursor` (core/keyset.py): following it finds
    the page from the last row's position, never by OFFSET, so deep pages cost what the
    first one costs. `page` keeps working (it is carried along in the link, and without a
    cursor it is the OFFSET way in, as before)."""
    page, page_size = page_params(page, page_size)
    start = (page - 1) * page_size
    if keyset:
        found = keyset_page(qs, size=page_size, cursor=cursor, offset=start)
        rows, more, next_cursor = found.rows, found.next_cursor is not None, found.next_cursor
    else:
        rows = list(qs[start:start + page_size + 1])
        more, next_cursor = len(rows) > page_size, None
        rows = rows[:page_size]
    next_url = None
    if more:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        params["page_size"] = str(page_size)
        if next_cursor:
            params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")
    return {"items": rows, "next": next_url}


def login_for_token(username: str, password: str):
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError("invalid_credentials", _("Wrong username or password."),
                          kind=ErrorKind.UNAUTHORIZED)
    return issue_token(user)
