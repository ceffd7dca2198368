"""Embedded mode: `aftersales serve` sends messages from a background thread, so a slow
provider never holds the request that queued the message."""
from __future__ import annotations

import threading

import pytest

from aftersales.notifications import dispatch
from aftersales.notifications.backends import MessageBackend
from aftersales.notifications.models import Outbox
from aftersales.notifications.services import queue_notification

GATE = threading.Event()
SENT_BY: list[str] = []


class SlowSms(MessageBackend):
    provider = "slow"

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        assert GATE.wait(10), "the test never opened the gate"
        SENT_BY.append(threading.current_thread().name)
        return "m-1"


@pytest.fixture
def sender(settings):
    settings.SMS_BACKEND = "tests.notifications.test_background_sender.SlowSms"
    GATE.clear()
    SENT_BY.clear()
    s = dispatch.start_background_sender()
    yield s
    GATE.set()
    dispatch.stop_background_sender()


def test_the_request_returns_before_the_provider_answers(transactional_db, sender):
    # when: a message is queued outside a transaction (its after-commit hand-off runs now)
    row = queue_notification(channel="sms", recipient="13912345678", body="受理", kind="k")
    # then: the caller already has control back while the provider still hangs
    assert Outbox.objects.get(pk=row.pk).status == "pending"
    GATE.set()
    sender.jobs.join()
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == ("sent", "m-1")
    assert SENT_BY == ["aftersales-outbox"]


def test_without_a_sender_the_task_runs_eagerly(transactional_db, settings):
    settings.SMS_BACKEND = "aftersales.notifications.backends.LoggingSmsBackend"
    dispatch.stop_background_sender()
    row = queue_notification(channel="sms", recipient="13912345678", body="受理", kind="k")
    assert Outbox.objects.get(pk=row.pk).status == "sent"
