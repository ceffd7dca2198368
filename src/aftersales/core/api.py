"""What every router shares: bearer auth, the error shape, list pages, money in JSON."""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta
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
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from pydantic import Field, PlainSerializer, model_validator

from .errors import CoreCode, DomainError, ErrorKind, RateLimited, ValidationFailed
from .keyset import page as keyset_page
from .models import ApiToken
from .money import format_money

# Money in JSON is a string with two decimals ("50.00"); input is a number or a string
# with at most two decimals, never negative unless a schema says so.
Money = Annotated[Decimal, PlainSerializer(format_money, return_type=str)]
MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=0)]

MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # page × page_size stays far inside what SQL's OFFSET holds
DEFAULT_PAGE_SIZE = 50


_PLAIN = frozenset((str, int, float, bool, type(None), datetime, date, Decimal, list, dict,
                    tuple))


class Out(Schema):
    """A response schema that a hot endpoint fills with plain dicts (the ticket list).

    ninja's Schema wraps every object it validates in a getter that looks each field up
    in Python (resolvers, dotted paths, managers, files): for a page of 50 tickets with
    their clocks that is ~4,000 look-ups, a quarter of the request's time. A dict of plain
    values needs none of that, so it goes to pydantic's own dict validation (the same
    result); anything else (a model instance, a manager, a file) takes ninja's path.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler, info) -> Any:
        if (type(values) is dict and not cls._ninja_resolvers
                and all(type(v) in _PLAIN for v in values.values())):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class JsonRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese names stay readable in responses and logs."""

    json_dumps_params = {"ensure_ascii": False}


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INT64 = {"minimum": -(2 ** 63), "maximum": 2 ** 63 - 1}
PAGE_BOUNDS = {"page": {"minimum": 1, "maximum": MAX_PAGE},
               "page_size": {"minimum": 1, "maximum": MAX_PAGE_SIZE}}


def _bound_integers(node) -> None:
    """Every integer in the document gets the 64-bit bounds the edge enforces (core.edge)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key, value in INT64.items():
                node.setdefault(key, value)
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


def _local_times(node) -> None:
    """A time of day goes out as `HH:MM:SS` without an offset (a local time, RFC 3339's
    `partial-time`); JSON Schema's `time` format would demand an offset."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            node["format"] = "partial-time"
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def _answers_xlsx(parameter: dict) -> bool:
    return parameter.get("name") == "format" and parameter.get("in") == "query" and (
        '"xlsx"' in json.dumps(parameter.get("schema", {})))


def declare_edge_constraints(document: dict) -> dict:
    """The OpenAPI document states what the server enforces at its edge: 64-bit integers
    everywhere, `page` from 1 and `page_size` 1..200 on every list; an operation with
    `?format=xlsx` declares the Excel answer next to its JSON; times of day are local."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                bounds = PAGE_BOUNDS.get(parameter.get("name"))
                if bounds and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].update(bounds)
            responses = operation.get("responses", {})
            ok = responses.get(200, responses.get("200"))
            if ok is not None and any(_answers_xlsx(p) for p in operation.get("parameters", [])):
                ok.setdefault("content", {}).setdefault(XLSX_MIME, {
                    "schema": {"type": "string", "format": "binary"}})
    _bound_integers(document)
    _local_times(document)
    return document


class EdgeDeclaringAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return declare_edge_constraints(super().get_openapi_schema(*args, **kwargs))


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
        request.api_token = found
        return found.user


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": str(code), "message": str(message), "field": field}}


def _field_of(loc: tuple | list) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header")]
    parts = [p for p in parts if not p.isdigit()] or parts
    return ".".join(parts) or None


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        message = first.get("msg", _("Invalid input."))
        if field:
            message = f"{field}: {message}"
        return api.create_response(request, error_body(CoreCode.INVALID, message, field),
                                   status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, error_body(CoreCode.UNAUTHORIZED, _("Authentication required.")),
            status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        codes = {400: CoreCode.BAD_REQUEST, 401: CoreCode.UNAUTHORIZED,
                 403: CoreCode.FORBIDDEN, 404: CoreCode.NOT_FOUND,
                 405: CoreCode.METHOD_NOT_ALLOWED, 409: CoreCode.CONFLICT,
                 413: CoreCode.TOO_LARGE, 429: CoreCode.RATE_LIMITED}
        fallback = CoreCode.BAD_REQUEST if exc.status_code < 500 else CoreCode.SERVER_ERROR
        return api.create_response(
            request, error_body(codes.get(exc.status_code, fallback), str(exc)),
            status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body(CoreCode.NOT_FOUND, _("Not found.")),
                                   status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, error_body(CoreCode.FORBIDDEN, _("Not allowed.")),
                                   status=403)


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


#: `openapi_extra` of an endpoint that also answers an Excel workbook (`?format=xlsx`).
XLSX_RESPONSE = {"responses": {200: {"content": {
    XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}}}}}

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut, 429: ErrorOut}


def page_params(page: int, page_size: int) -> tuple[int, int]:
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed(_("page is 1 to %(most)d.") % {"most": MAX_PAGE}, field="page")
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


def login_for_token(request, username: str, password: str):
    """A token for a staff member; wrong passwords count toward the sign-in lockout
    (core.auth), and while locked even the right one answers 429 with Retry-After."""
    user = authenticate(request, username=username, password=password)
    wait = getattr(request, "login_retry_after", 0)
    if wait:
        raise RateLimited(_("Too many failed sign-ins. Try again later."), retry_after=wait,
                          code=CoreCode.LOGIN_LOCKED)
    if user is None or not user.is_active:
        raise DomainError(CoreCode.INVALID_CREDENTIALS, _("Wrong username or password."),
                          kind=ErrorKind.UNAUTHORIZED)
    return issue_token(user)


def revoke_token(request) -> None:
    """DELETE /auth/token: the presented token stops working at once."""
    token = getattr(request, "api_token", None)
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).delete()


def revoke_tokens_of(user) -> int:
    """Every API token of `user` (on a password change)."""
    deleted, _kinds = ApiToken.objects.filter(user=user).delete()
    return deleted


def sweep_expired_tokens(*, now=None) -> int:
    deleted, _kinds = ApiToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
