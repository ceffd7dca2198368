"""Report requests read from the replica when one is configured; nothing else does, and
nothing is ever written there."""
from django.test import RequestFactory

from aftersales.core import replica
from aftersales.tickets.models import Ticket


def decisions(path: str, method: str = "GET") -> dict:
    seen = {}
    router = replica.ReplicaRouter()

    def view(request):
        seen["read"] = router.db_for_read(Ticket)
        seen["write"] = router.db_for_write(Ticket)
        return "response"

    request = getattr(RequestFactory(), method.lower())(path)
    assert replica.ReportsReplicaMiddleware(view)(request) == "response"
    return seen


def test_reports_read_from_the_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    assert decisions("/api/v1/reports/fault-analysis") == {"read": "replica", "write": "default"}
    assert decisions("/reports/")["read"] == "replica"


def test_everything_else_reads_from_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    assert decisions("/api/v1/tickets")["read"] is None
    assert decisions("/customers/hotline/")["read"] is None
    assert decisions("/api/v1/reports/kpis", method="POST")["read"] is None


def test_without_a_replica_nothing_changes():
    assert "replica" not in __import__("django.conf").conf.settings.DATABASES
    assert decisions("/api/v1/reports/fault-analysis")["read"] is None


def test_the_flag_does_not_outlive_the_request(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    decisions("/api/v1/reports/sla")
    assert replica.ReplicaRouter().db_for_read(Ticket) is None


def test_migrations_run_only_on_the_primary():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("default", "tickets") is True
    assert router.allow_migrate("replica", "tickets") is False
