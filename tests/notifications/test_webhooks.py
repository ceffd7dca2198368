"""Outgoing webhooks: one signed delivery per event and endpoint, posted after commit,
retried with back-off, never twice for one event."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aftersales.notifications import webhooks
from aftersales.notifications.models import WebhookDelivery, WebhookEndpoint
from aftersales.tickets.services import respond
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.stub_http import start_stub
from tests.tickets.factories import open_test_ticket

SECRET = "whsec-2611"


@pytest.fixture
def receiver(monkeypatch, db):
    monkeypatch.setenv("AS_TEST_WEBHOOK_SECRET", SECRET)
    answers = []

    def answer(seen):
        return answers.pop(0) if answers else (200, {"ok": True})

    stub, server = start_stub(answer)
    endpoint = WebhookEndpoint.objects.create(name="电商订单系统", url=stub.url + "/hooks",
                                              secret_env="AS_TEST_WEBHOOK_SECRET")
    yield stub, endpoint, answers
    server.shutdown()


@pytest.fixture
def staff_and_customer(db):
    point = ServicePointFactory(code="SJZ")
    agent = UserFactory(role="agent", service_point=point)
    customer = CustomerFactory(phone="13800000001", service_point=point)
    return agent, customer


def verify(seen) -> dict:
    stamp = seen.headers["x-aftersales-timestamp"]
    expected = "sha256=" + hmac.new(SECRET.encode(), f"{stamp}.".encode() + seen.body,
                                    hashlib.sha256).hexdigest()
    assert seen.headers["x-aftersales-signature"] == expected
    return json.loads(seen.body)


def test_an_opened_ticket_is_posted_signed_after_commit(receiver, staff_and_customer,
                                                        django_capture_on_commit_callbacks):
    stub, endpoint, _ = receiver
    agent, customer = staff_and_customer
    # when: nothing is posted inside the transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = open_test_ticket(actor=agent, customer=customer, order_ref="JD-1")
    assert stub.requests == []
    delivery = WebhookDelivery.objects.get(event="ticket.opened")
    assert delivery.status == "pending"
    # then: after commit it goes out once, signed
    for callback in callbacks:
        callback()
    assert len(stub.requests) == 1
    body = verify(stub.requests[0])
    assert body["event"] == "ticket.opened" and body["id"] == delivery.event_id
    assert body["data"]["ticket"]["number"] == ticket.number
    assert body["data"]["ticket"]["order_ref"] == "JD-1"
    assert stub.requests[0].headers["x-aftersales-event"] == "ticket.opened"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1,
                                                                               200)


def test_a_status_change_is_posted_and_filtered_by_the_endpoints_events(
        receiver, staff_and_customer, django_capture_on_commit_callbacks):
    stub, endpoint, _ = receiver
    endpoint.events = ["ticket.status_changed"]
    endpoint.save()
    agent, customer = staff_and_customer
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_test_ticket(actor=agent, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        respond(actor=agent, ticket=ticket, note="已联系")
    assert [d.event for d in WebhookDelivery.objects.order_by("id")] == ["ticket.status_changed"]
    body = verify(stub.requests[0])
    assert (body["data"]["ticket"]["from_status"], body["data"]["ticket"]["status"]) == (
        "new", "responded")


def test_a_failed_post_is_retried_with_back_off_until_delivered(receiver, staff_and_customer,
                                                                django_capture_on_commit_callbacks):
    stub, endpoint, answers = receiver
    answers += [(500, {"error": "busy"}), (503, {"error": "busy"})]
    agent, customer = staff_and_customer
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            open_test_ticket(actor=agent, customer=customer)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending", 1, 500)
        assert delivery.next_attempt_at == start + timedelta(seconds=30)
        # not yet due: the sweep leaves it alone
        assert webhooks.retry_due_webhooks() == 0
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert webhooks.retry_due_webhooks() == 1  # the eager task posts it: 503 again
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.next_attempt_at) == (
            2, start + timedelta(seconds=31 + 60))
    with time_machine.travel(start + timedelta(seconds=92), tick=False):
        webhooks.retry_due_webhooks()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("delivered", 3)
    # the same delivery id on every try, so the receiver can drop duplicates
    assert len({r.headers["x-aftersales-delivery"] for r in stub.requests}) == 1


def test_delivery_gives_up_after_the_last_attempt(receiver, staff_and_customer):
    stub, endpoint, answers = receiver
    answers += [(500, {})] * webhooks.MAX_ATTEMPTS
    agent, customer = staff_and_customer
    open_test_ticket(actor=agent, customer=customer)
    delivery = WebhookDelivery.objects.get()
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhooks.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert webhooks.deliver(delivery_id=delivery.pk).attempts == webhooks.MAX_ATTEMPTS


def test_the_same_event_is_queued_once(receiver, staff_and_customer):
    stub, endpoint, _ = receiver
    webhooks.queue_event(event="ticket.opened", event_id="e-1", payload={"a": 1})
    webhooks.queue_event(event="ticket.opened", event_id="e-1", payload={"a": 1})
    assert WebhookDelivery.objects.count() == 1


def test_an_endpoint_without_its_secret_is_not_posted(receiver, staff_and_customer,
                                                      monkeypatch):
    stub, endpoint, _ = receiver
    monkeypatch.delenv("AS_TEST_WEBHOOK_SECRET")
    agent, customer = staff_and_customer
    open_test_ticket(actor=agent, customer=customer)
    delivery = webhooks.deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert stub.requests == [] and delivery.status == "pending"
    assert "secret" in delivery.last_error


def test_no_endpoint_no_delivery(staff_and_customer):
    agent, customer = staff_and_customer
    open_test_ticket(actor=agent, customer=customer)
    assert WebhookDelivery.objects.count() == 0


# -- the cached subscription set ----------------------------------------------------------

def test_a_ticket_event_with_no_subscriber_costs_no_query(staff_and_customer,
                                                         django_assert_num_queries):
    agent, customer = staff_and_customer
    ticket = open_test_ticket(actor=agent, customer=customer)  # fills the cache: nobody
    with django_assert_num_queries(0):
        assert webhooks.ticket_event(ticket=ticket, action="respond", from_status="new",
                                     to_status="responded", event_pk=1,
                                     at=timezone.now()) == []


def test_saving_or_deleting_an_endpoint_renews_the_subscription_set(
        monkeypatch, staff_and_customer, django_assert_num_queries):
    monkeypatch.setenv("AS_TEST_WEBHOOK_SECRET", SECRET)
    agent, customer = staff_and_customer
    ticket = open_test_ticket(actor=agent, customer=customer)
    assert webhooks.subscriptions() == []
    resolved_only = WebhookEndpoint.objects.create(
        name="经销商系统", url="http://127.0.0.1:9/hooks", events=["ticket.resolved"],
        secret_env="AS_TEST_WEBHOOK_SECRET")
    assert webhooks.subscriptions() == [(resolved_only.pk, ["ticket.resolved"])]
    # a subscriber of another event only: the set is read from the cache, nothing queued
    with django_assert_num_queries(0):
        assert webhooks.queue_event(event="ticket.opened", event_id="x:1", payload={}) == []
    rows = webhooks.ticket_event(ticket=ticket, action="resolve", from_status="in_progress",
                                 to_status="resolved", event_pk=7, at=timezone.now())
    assert [(r.endpoint_id, r.event) for r in rows] == [(resolved_only.pk, "ticket.resolved")]
    resolved_only.active = False
    resolved_only.save()
    assert webhooks.subscriptions() == []
    resolved_only.active = True
    resolved_only.save()
    assert webhooks.subscribers("ticket.resolved") == [resolved_only.pk]
    WebhookDelivery.objects.all().delete()
    resolved_only.delete()
    assert webhooks.subscriptions() == []
