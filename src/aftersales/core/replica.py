"""Reports read from a streaming replica when one is configured.

`AFTERSALES_REPLICA_DATABASE_URL` adds the database alias "replica". Requests for the
reports (`/api/v1/reports/…` and the console's `/reports/…`) then read from it, so a month's
fault analysis never competes with the hotline on the primary; everything else, and every
write, uses the primary. Without a replica the alias is absent and nothing changes. The
router follows a per-request flag set by the middleware (a context variable, so threads of
one worker never see each other's flag)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPORT_PREFIXES = ("/api/v1/reports/", "/reports/")
_reading_reports: ContextVar[bool] = ContextVar("aftersales_reading_reports", default=False)


def replica_configured() -> bool:
    return "replica" in settings.DATABASES


@contextmanager
def reports_from_replica():
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReplicaRouter:
    """Reads of a report request go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_reports.get() and replica_configured():
            return "replica"
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReportsReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(REPORT_PREFIXES):
            with reports_from_replica():
                return self.get_response(request)
        return self.get_response(request)
