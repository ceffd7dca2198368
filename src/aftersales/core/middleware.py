"""The edge of every request: input hardening (core.edge), one error shape for every HTTP
error under /api/, 503 while the database is away, and the security headers (CSP)."""
from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .edge import check_request, out_of_range
from .errors import CoreCode, DomainError

log = logging.getLogger("aftersales.edge")

CODES = {400: CoreCode.BAD_REQUEST, 401: CoreCode.UNAUTHORIZED, 403: CoreCode.FORBIDDEN,
         404: CoreCode.NOT_FOUND, 405: CoreCode.METHOD_NOT_ALLOWED, 409: CoreCode.CONFLICT,
         413: CoreCode.TOO_LARGE, 414: CoreCode.URI_TOO_LONG,
         415: CoreCode.UNSUPPORTED_MEDIA_TYPE, 422: CoreCode.INVALID,
         429: CoreCode.RATE_LIMITED, 500: CoreCode.SERVER_ERROR, 502: CoreCode.UNAVAILABLE,
         503: CoreCode.UNAVAILABLE}
RETRY_AFTER_DB = 5


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, *, status: int, code: str, message: str,
                   field: str | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": {"code": str(code), "message": str(message), "field": field}},
                            status=status, json_dumps_params={"ensure_ascii": False})
    error = DomainError(code, message, field=field)
    try:
        return render(request, "core/refused.html", {"error": error}, status=status)
    except Exception:  # the template needs the database (e.g. the user menu); plain text
        return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


def _default_message(status: int) -> str:
    return {400: _("Bad request."), 403: _("Not allowed."), 404: _("Not found."),
            405: _("This method is not allowed here."), 413: _("The request is too large."),
            414: _("The address is too long."), 500: _("Something went wrong on our side."),
            503: _("The service is briefly unavailable. Please try again.")}.get(
        status, _("The request could not be served."))


class EdgeMiddleware:
    """Input checks before the view; the error shape and DB outages after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except RequestDataTooBig:
            return error_response(request, status=413, code=CoreCode.TOO_LARGE,
                                  message=_default_message(413))
        except DomainError as exc:
            return error_response(request, status=exc.status, code=exc.code,
                                  message=exc.message, field=exc.field)
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not response.get(
                "Content-Type", "").startswith("application/json"):
            response = self._shaped(request, response)
        return response

    def _shaped(self, request, response):
        """A 404/405/400/500 made outside the API's handlers, in the error shape."""
        status = response.status_code
        shaped = error_response(request, status=status, code=CODES.get(status, CoreCode.BAD_REQUEST if status < 500
                                                       else CoreCode.SERVER_ERROR),
                                message=_default_message(status))
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.error("database unavailable: %s", exception)
            response = error_response(request, status=503, code=CoreCode.UNAVAILABLE,
                                      message=_default_message(503))
            response["Retry-After"] = str(RETRY_AFTER_DB)
            return response
        if isinstance(exception, (DataError, OverflowError)):
            exc = out_of_range(None)
            return error_response(request, status=422, code=exc.code, message=exc.message)
        if isinstance(exception, RequestDataTooBig):
            return error_response(request, status=413, code=CoreCode.TOO_LARGE,
                                  message=_default_message(413))
        return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every page: scripts and styles from this site only (a
    per-response nonce for the few inline scripts), no frames, no plugins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if settings.CSP_ENABLED and "Content-Security-Policy" not in response:
            policy = settings.CSP_POLICY.replace("{nonce}", request.csp_nonce)
            response["Content-Security-Policy"] = policy
        return response

