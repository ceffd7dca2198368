"""The outbox: written in the caller's transaction, sent after commit, exactly once."""
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from aftersales.core.errors import ValidationFailed
from aftersales.notifications.backends import MessageBackend, SendFailed
from aftersales.notifications.models import Outbox
from aftersales.notifications.services import (
    MAX_ATTEMPTS,
    queue_notification,
    retry_pending_notifications,
    send_outbox,
)


class BrokenSms(MessageBackend):
    def send(self, *, recipient, subject, body, kind="", params=None):
        raise SendFailed("gateway down")


@pytest.fixture
def broken_sms(settings):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.BrokenSms"


def test_a_message_is_sent_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queue_notification(channel="email", recipient="li@example.cn", subject="受理",
                                 body="您的服务单已受理")
        # then: nothing sent before commit
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at is not None
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["li@example.cn"], "受理", "您的服务单已受理")]


def test_a_rolled_back_change_tells_nobody(db, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue_notification(channel="sms", recipient="13800000001", body="x")
                raise RuntimeError("the change failed")
    # then
    assert callbacks == []
    assert not Outbox.objects.exists()


def test_the_same_dedupe_key_queues_one_message(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_notification(channel="email", recipient="a@example.cn", body="x",
                                   dedupe_key="k1")
        second = queue_notification(channel="email", recipient="a@example.cn", body="x",
                                    dedupe_key="k1")
    assert first.pk == second.pk
    assert Outbox.objects.count() == 1
    assert len(mail.outbox) == 1


def test_sending_twice_sends_once(db):
    # given
    with transaction.atomic():
        row = Outbox.objects.create(channel="email", recipient="a@example.cn", body="x")
    # when
    send_outbox(outbox_id=row.pk)
    again = send_outbox(outbox_id=row.pk)
    # then
    assert (again.status, again.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_sender_is_left_alone(db):
    # given: another worker claimed it a moment ago
    row = Outbox.objects.create(channel="email", recipient="a@example.cn", body="x",
                                locked_until=timezone.now() + timedelta(minutes=5),
                                attempts=1)
    # when
    result = send_outbox(outbox_id=row.pk)
    # then
    assert (result.status, result.attempts) == ("pending", 1)
    assert mail.outbox == []


def test_a_failed_send_stays_pending_then_fails_after_the_last_attempt(db, broken_sms):
    # given
    row = Outbox.objects.create(channel="sms", recipient="13800000001", body="x")
    # when
    first = send_outbox(outbox_id=row.pk)
    # then
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "gateway down")
    for _ in range(MAX_ATTEMPTS - 1):
        last = send_outbox(outbox_id=row.pk)
    assert (last.status, last.attempts) == ("failed", MAX_ATTEMPTS)
    assert send_outbox(outbox_id=row.pk).attempts == MAX_ATTEMPTS


def test_the_sweep_resends_pending_messages_older_than_a_minute(db, caplog):
    # given: one hand-off was lost, one message is brand new, one was sent
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        lost = Outbox.objects.create(channel="sms", recipient="13800000001", body="旧")
        Outbox.objects.create(channel="sms", recipient="13800000002", body="已发",
                              status="sent", sent_at=timezone.now())
    with time_machine.travel("2026-11-23 10:05 +0800", tick=False):
        fresh = Outbox.objects.create(channel="sms", recipient="13800000003", body="新")
        # when (eager Celery: the task runs here)
        with caplog.at_level(logging.INFO, logger="aftersales.notifications"):
            count = retry_pending_notifications()
    # then
    assert count == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("sent", "pending")
    assert "SMS to 13800000001: 旧" in caplog.text


def test_sms_and_wechat_default_backends_log(db, caplog):
    rows = [Outbox.objects.create(channel="sms", recipient="13800000001", body="短信"),
            Outbox.objects.create(channel="wechat", recipient="13800000001", subject="主题",
                                  body="微信")]
    with caplog.at_level(logging.INFO, logger="aftersales.notifications"):
        for row in rows:
            send_outbox(outbox_id=row.pk)
    assert "SMS to 13800000001: 短信" in caplog.text
    assert "WeChat to 13800000001: 主题 微信" in caplog.text
    assert list(Outbox.objects.values_list("status", flat=True)) == ["sent", "sent"]


@pytest.mark.parametrize("field,kwargs", [
    ("channel", {"channel": "fax", "recipient": "x", "body": "x"}),
    ("recipient", {"channel": "sms", "recipient": "  ", "body": "x"}),
    ("body", {"channel": "sms", "recipient": "13800000001", "body": ""}),
])
def test_bad_messages_are_refused_and_nothing_is_written(db, field, kwargs):
    with pytest.raises(ValidationFailed) as refused:
        queue_notification(**kwargs)
    assert refused.value.field == field
    assert not Outbox.objects.exists()
