"""Issue 11 "Failures around it": the database going away answers 503 in the error shape
and the next request works again by itself; with the broker (a real Redis of this test's
own, stopped and started) down, intake still accepts tickets and the outbox delivers when
the broker is back."""
import json
import socket
import subprocess
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from aftersales.celery import app
from aftersales.core.api import issue_token
from aftersales.notifications.models import Outbox
from aftersales.notifications.services import retry_pending_notifications
from aftersales.tickets.models import Ticket
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, UserFactory


def _wsgi_get(path, **headers):
    """One request through the real WSGI handler (request_finished and all, as a server)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET",
                                             **headers)
    status = {}

    def start_response(line, response_headers, exc_info=None):
        status["code"] = int(line.split()[0])
        status["headers"] = dict(response_headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return status["code"], status["headers"], body


def _as_postgres(sql: str, params=()) -> None:
    conf = connection.settings_dict
    with psycopg.connect(host=conf["HOST"] or "127.0.0.1", port=conf["PORT"] or 5432,
                         user=conf["USER"], password=conf["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_the_database_going_away_is_503_and_recovers_by_itself():
    if connection.vendor != "postgresql":
        pytest.skip("a server connection to cut exists on PostgreSQL only")
    agent = UserFactory(username="agent", role="agent")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(agent)}"}
    assert _wsgi_get("/api/v1/customers", **auth)[0] == 200
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    # when: the database goes away (no new connections; this process's one is cut)
    _as_postgres(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        _as_postgres("SELECT pg_terminate_backend(%s)", [pid])
        code, headers, body = _wsgi_get("/api/v1/customers", **auth)
    finally:
        _as_postgres(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    # then: the request answers 503 in the error shape
    assert code == 503
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert int(headers["Retry-After"]) >= 1
    # and once it is back, the next request works, nobody restarted anything
    assert _wsgi_get("/api/v1/customers", **auth)[0] == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test only, on a spare port (never the shared 6379)."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        subprocess.run(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                        "--daemonize", "yes", "--save", "", "--appendonly", "no",
                        "--dir", str(self.dir),
                        "--pidfile", str(self.dir / "redis.pid")], check=True)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                              capture_output=True, text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                       capture_output=True)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                              capture_output=True).returncode != 0:
                return
            time.sleep(0.05)


def _reset_clients():
    """Forget the clients and queue declarations Celery cached under the other config."""
    app._local.__dict__.pop("backend", None)
    if hasattr(app, "_backend_cache"):
        app._backend_cache = None
    app._pool = None
    app.amqp._producer_pool = None
    for cached in ("queues", "default_queue", "router", "default_exchange",
                   "send_task_message"):
        app.amqp.__dict__.pop(cached, None)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_intake_works_and_the_outbox_delivers_when_it_is_back(tmp_path):
    from celery.contrib.testing.worker import start_worker

    redis = OwnRedis(tmp_path)
    # the Redis is this test's own, so its default queue is too
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend",
                                            "task_always_eager",
                                            "broker_connection_timeout",
                                            "broker_transport_options")}
    app.conf.update(broker_url=redis.url, result_backend=None, task_always_eager=False,
                    broker_connection_timeout=1,
                    broker_transport_options={"max_retries": 1, "interval_start": 0,
                                              "interval_step": 0.2, "interval_max": 0.2})
    _reset_clients()
    try:
        redis.start()
        redis.stop()  # the broker is down
        agent = UserFactory(username="agent", role="agent")
        customer = CustomerFactory(phone="13800000001", email="wang@example.cn")
        # when: a call comes in
        answer = ApiClient(agent).post("/tickets", {
            "customer": customer.pk, "channel": "phone", "kind": "repair",
            "priority": "normal", "mode": "onsite", "summary": "不开机"})
        # then: the ticket is taken, its messages wait in the outbox
        assert answer.status_code == 201
        ticket = Ticket.objects.get()
        waiting = list(Outbox.objects.filter(ticket=ticket).values_list("status", flat=True))
        assert waiting and set(waiting) == {"pending"}
        # when: the broker is back and a worker runs; the sweep hands the rows over again
        redis.start()
        _reset_clients()
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            assert retry_pending_notifications(older_than_seconds=0) == len(waiting)
            deadline = time.monotonic() + 30
            while (Outbox.objects.filter(ticket=ticket, status="sent").count() < len(waiting)
                   and time.monotonic() < deadline):
                time.sleep(0.1)
            connection.close()
        # then: every message was delivered once
        assert set(Outbox.objects.filter(ticket=ticket).values_list("status", "attempts")) \
            == {("sent", 1)}
    finally:
        redis.stop()
        app.conf.update(saved)
        _reset_clients()
