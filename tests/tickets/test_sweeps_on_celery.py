"""The sweeps and the outbox with a REAL Celery worker on the machine's Redis.

The worker runs in a thread of this process (celery.contrib.testing), consuming a queue
of its own, and talks to the same (committed, transactional) test database. Start Redis
first if it is down (see docs/background-work.md)."""
import time
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core import mail
from django.db import connections
from django.utils import timezone

from aftersales.celery import app
from aftersales.notifications.models import Alert, Outbox
from aftersales.notifications.services import queue_notification
from aftersales.tickets import services as tickets
from aftersales.tickets.models import SLATarget, TicketEvent
from aftersales.tickets.tasks import run_sweeps_task
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory

REDIS_URL = "redis://127.0.0.1:6379/0"
# A queue of this test session only: other sessions on the same Redis never take our tasks.
# (One name for the whole session: Celery caches its queue declarations.)
QUEUE = f"aftersales-test-{uuid.uuid4().hex[:8]}"

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@app.task(name="tests.close_worker_connections")
def close_worker_connections():
    """Runs in the worker thread: drop its database connection before the test DB goes."""
    connections.close_all()
    return True


def wait_for(check, *, timeout=30.0):
    """Poll until `check()` is truthy; the test asserts the outcome, never the duration."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def reset_clients():
    """Forget broker and result-backend clients cached while the app ran eagerly."""
    app._local.__dict__.pop("backend", None)
    if hasattr(app, "_backend_cache"):
        app._backend_cache = None
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_worker(transactional_db):
    from celery.contrib.testing.worker import start_worker

    redis.Redis.from_url(REDIS_URL).ping()  # fails loudly when Redis is not running
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend",
                                            "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                    task_default_queue=QUEUE)
    reset_clients()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30) as worker:
            yield worker
            close_worker_connections.delay().get(timeout=30)
    finally:
        app.conf.update(saved)
        reset_clients()


def test_a_sweep_sent_over_redis_runs_in_the_worker(redis_worker):
    # given: the 10-minute first-response target (re-seeded: an earlier transactional test
    # may have flushed the migration's rows), a ticket nobody answered, opened an hour
    # ago, and its point's manager with an e-mail address
    SLATarget.objects.get_or_create(name="respond", priority="", mode="", kind="", channel="",
                                    defaults={"amount": 10, "unit": "clock",
                                              "starts_on": "opened"})
    point = ServicePointFactory(code="RD1")
    UserFactory(username="rd_boss", role="manager", service_point=point,
                email="boss@example.cn")
    customer = CustomerFactory(phone="13800000001", service_point=point)
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        ticket = tickets.open_ticket(actor=None, customer=customer, channel="phone",
                                     kind="repair", priority="normal", mode="onsite",
                                     summary="设备故障")
    # when: the beat's task goes through Redis to the worker
    result = run_sweeps_task.delay().get(timeout=60)
    # then: the worker's service effect is in the database
    assert result["response_overdue"] == 1
    # (the engineer's call-back promised within 5 minutes was missed too)
    assert sorted(Alert.objects.values_list("kind", "ticket_id")) == [
        ("clock_overdue", ticket.pk), ("response_overdue", ticket.pk)]
    assert TicketEvent.objects.filter(ticket=ticket, action="response_overdue").count() == 1
    # and the manager's e-mail, queued on commit inside the worker, was sent by the worker
    sent = wait_for(lambda: Outbox.objects.filter(kind="response_overdue",
                                                  status="sent").first())
    assert sent is not None
    assert sent.recipient == "boss@example.cn"
    # and a second run over Redis does nothing twice
    assert run_sweeps_task.delay().get(timeout=60)["response_overdue"] == 0
    assert Alert.objects.count() == 2


def test_a_queued_message_is_sent_by_the_worker_after_commit(redis_worker):
    # when
    row = queue_notification(channel="email", recipient="wang@example.cn", subject="受理",
                             body="您的服务单已受理")
    # then
    sent = wait_for(lambda: Outbox.objects.filter(pk=row.pk, status="sent").first())
    assert sent is not None
    assert sent.attempts == 1
    assert [m.to for m in mail.outbox] == [["wang@example.cn"]]
