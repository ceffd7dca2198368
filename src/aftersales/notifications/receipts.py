"""What the providers tell us after sending: delivery receipts (status reports) for SMS,
and the official account's events (template job finished, follow, unfollow) for WeChat.

Neither SMS provider signs its status reports, so their callback URLs carry a secret token
of this installation (compared in constant time); WeChat signs its pushes with the
server token (SHA-1 of the sorted token, timestamp and nonce), checked here."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Outbox, WeChatFollower


@dataclass(frozen=True)
class Receipt:
    """One status report: which message (the provider's id), delivered or not, and why."""

    message_id: str
    delivered: bool
    code: str = ""
    at: datetime | None = None


def token_ok(given: str) -> bool:
    expected = settings.SMS_RECEIPT_TOKEN
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def wechat_signature_ok(*, signature: str, timestamp: str, nonce: str) -> bool:
    token = settings.WECHAT_OFFICIAL_ACCOUNT.get("server_token", "")
    if not token:
        return False
    expected = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return hmac.compare_digest(expected, signature or "")


def _local(text: str) -> datetime | None:
    if not text:
        return None
    at = parse_datetime(str(text).replace("T", " "))
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)  # the providers report China time
    return at


def aliyun_receipts(items: list[dict]) -> list[Receipt]:
    return [Receipt(message_id=str(i.get("biz_id", "")), delivered=bool(i.get("success")),
                    code=str(i.get("err_code", "")), at=_local(i.get("report_time", "")))
            for i in items if isinstance(i, dict)]


def tencent_receipts(items: list[dict]) -> list[Receipt]:
    return [Receipt(message_id=str(i.get("sid", "")),
                    delivered=str(i.get("report_status", "")).upper() == "SUCCESS",
                    code=str(i.get("errmsg", "")), at=_local(i.get("user_receive_time", "")))
            for i in items if isinstance(i, dict)]


@transaction.atomic
def record_receipts(*, provider: str, receipts: list[Receipt]) -> int:
    """Mark each reported message delivered or undelivered; returns how many rows matched.
    A report for a message we never sent (or another installation's) changes nothing."""
    matched = 0
    for receipt in receipts:
        if not receipt.message_id:
            continue
        fields = {"delivery_status": (Outbox.Delivery.DELIVERED if receipt.delivered
                                      else Outbox.Delivery.UNDELIVERED),
                  "delivered_at": ((receipt.at or timezone.now()) if receipt.delivered
                                   else None)}
        if not receipt.delivered:
            fields["error_code"] = receipt.code[:80]
        matched += Outbox.objects.filter(provider=provider,
                                         provider_message_id=receipt.message_id).update(**fields)
    return matched


@transaction.atomic
def bind_wechat_follower(*, openid: str, phone: str) -> WeChatFollower:
    """Bind an openid to the phone the customer has just proven (a confirmed one-time code);
    binding again moves the openid to the new phone."""
    follower, _ = WeChatFollower.objects.update_or_create(
        openid=openid, defaults={"phone": phone, "unsubscribed_at": None})
    return follower


@transaction.atomic
def record_wechat_event(*, event: dict) -> str:
    """Apply one pushed event: TEMPLATESENDJOBFINISH marks the message, unsubscribe stops
    template messages to that follower. Returns what was done (for the log)."""
    kind = (event.get("Event") or "").lower()
    openid = event.get("FromUserName", "")
    if kind == "templatesendjobfinish":
        status = (event.get("Status") or "").lower()
        record_receipts(provider="wechat", receipts=[Receipt(
            message_id=str(event.get("MsgID", "")), delivered=status == "success",
            code="" if status == "success" else status[:80])])
        return "receipt"
    if kind == "unsubscribe" and openid:
        WeChatFollower.objects.filter(openid=openid).update(unsubscribed_at=timezone.now())
        return "unsubscribed"
    if kind == "subscribe" and openid:
        WeChatFollower.objects.filter(openid=openid).update(unsubscribed_at=None)
        return "subscribed"
    return "ignored"
