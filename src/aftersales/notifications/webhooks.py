"""Outgoing webhooks for integrators (the e-commerce order system, dealers' systems).

A delivery row is written in the transaction of the change (so a rolled-back change sends
nothing) and posted after commit, never inside a transaction; failures are retried with
exponential back-off by the sweep. Each request is signed:

    X-Aftersales-Event: ticket.opened
    X-Aftersales-Delivery: <event id>          (the same on every retry: receivers dedupe)
    X-Aftersales-Timestamp: <unix seconds>
    X-Aftersales-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import dispatch
from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger("aftersales.notifications")

MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30  # 30 s, 1 min, 2 min, 4 min … about 1 h for the 8th try
CLAIM_SECONDS = 120
TIMEOUT_SECONDS = 10


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    if endpoint.secret_file:
        with open(endpoint.secret_file, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(endpoint.secret_env, "")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0))


# -- the subscription set, cached ---------------------------------------------------------
#: Which active endpoints want which events, kept in the cache so that a ticket event with no
#: subscriber costs no query. Saving or deleting an endpoint drops it (now and again after
#: the commit); a change made by another process with a per-process cache shows within
#: SUBSCRIPTIONS_SECONDS (a shared cache, AFTERSALES_CACHE_URL, shows it at once).
SUBSCRIPTIONS_KEY = "aftersales:webhook-subscriptions"
SUBSCRIPTIONS_SECONDS = 60


def subscriptions() -> list[tuple[int, list[str]]]:
    """(endpoint id, its events — empty: every event) of the active endpoints."""
    cached = cache.get(SUBSCRIPTIONS_KEY)
    if cached is None:
        cached = [(pk, list(events or [])) for pk, events in WebhookEndpoint.objects.filter(
            active=True).order_by("pk").values_list("pk", "events")]
        cache.set(SUBSCRIPTIONS_KEY, cached, SUBSCRIPTIONS_SECONDS)
    return [(pk, events) for pk, events in cached]


def subscribers(event: str) -> list[int]:
    return [pk for pk, events in subscriptions() if not events or event in events]


def forget_subscriptions(**_kwargs) -> None:
    """post_save / post_delete of an endpoint (connected in NotificationsConfig.ready)."""
    cache.delete(SUBSCRIPTIONS_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_KEY))


def _enqueue(delivery_id: int) -> None:
    from .tasks import deliver_webhook_task  # the task module imports this one

    dispatch.hand_on(deliver_webhook_task, delivery_id)


def queue_event(*, event: str, event_id: str, payload: dict) -> list[WebhookDelivery]:
    """One delivery per active endpoint that wants `event`, in the caller's transaction;
    the same event id again queues nothing new."""
    wanted = subscribers(event)
    if not wanted:
        return []
    rows = []
    for endpoint in WebhookEndpoint.objects.filter(active=True, pk__in=wanted).order_by("pk"):
        if not endpoint.wants(event):
            continue
        body = json.loads(json.dumps({"event": event, "id": event_id, "data": payload},
                                     cls=DjangoJSONEncoder))
        try:
            with transaction.atomic():
                row = WebhookDelivery.objects.create(
                    endpoint=endpoint, event=event, event_id=event_id, payload=body,
                    next_attempt_at=timezone.now())
        except IntegrityError:
            continue
        transaction.on_commit(lambda pk=row.pk: _enqueue(pk))
        rows.append(row)
    return rows


def ticket_event(*, ticket, action: str, from_status: str, to_status: str, event_pk: int,
                 at) -> list[WebhookDelivery]:
    """The webhook events of one ticket event: opened, status changed, resolved. No query
    when no endpoint is subscribed (the cached subscription set)."""
    if not subscriptions():
        return []
    data = {"ticket": {"id": ticket.pk, "number": ticket.number, "status": to_status,
                       "from_status": from_status, "action": action,
                       "customer": ticket.customer_id, "order_ref": ticket.order_ref,
                       "kind": ticket.kind, "mode": ticket.mode, "priority": ticket.priority},
            "at": at}
    names = []
    if action == "open":
        names.append("ticket.opened")
    elif to_status and to_status != from_status:
        names.append("ticket.status_changed")
        if to_status == "resolved":
            names.append("ticket.resolved")
    rows = []
    for name in names:
        rows += queue_event(event=name, event_id=f"{name}:{event_pk}", payload=data)
    return rows


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Post one delivery, outside any transaction. Claimed first with a conditional update,
    so two workers never post it at once; a 2xx answer delivers it, anything else is
    retried with back-off until MAX_ATTEMPTS."""
    now = timezone.now()
    claimed = (WebhookDelivery.objects
               .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
               .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
               .update(locked_until=now + timedelta(seconds=CLAIM_SECONDS)))
    row = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if not claimed or row is None:
        return row
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = int(time.time())
    status_code, error = None, ""
    try:
        secret = endpoint_secret(row.endpoint)
        if not secret:
            raise OSError("the endpoint's secret is not set in its environment variable "
                          "or file")
        request = urllib.request.Request(row.endpoint.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "aftersales-webhooks/1",
            "X-Aftersales-Event": row.event, "X-Aftersales-Delivery": row.event_id,
            "X-Aftersales-Timestamp": str(stamp),
            "X-Aftersales-Signature": signature(secret, stamp, body)})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            status_code = resp.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        error = str(exc)
    row.attempts += 1
    row.locked_until = None
    row.last_status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        row.status, row.delivered_at, row.last_error = (WebhookDelivery.Status.DELIVERED,
                                                        timezone.now(), "")
    else:
        row.last_error = error[:300] or f"HTTP {status_code}"
        if row.attempts >= MAX_ATTEMPTS:
            row.status = WebhookDelivery.Status.FAILED
        else:
            row.next_attempt_at = timezone.now() + backoff(row.attempts)
    row.save(update_fields=["attempts", "locked_until", "last_status_code", "status",
                            "delivered_at", "last_error", "next_attempt_at"])
    return row


def retry_due_webhooks(*, now=None) -> int:
    """Hand every pending delivery whose next attempt is due to the task again."""
    now = now or timezone.now()
    ids = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING,
                                              next_attempt_at__lte=now)
               .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
               .order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)
