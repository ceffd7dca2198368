"""Writes of the outbox and of alerts. A message row is written in the caller's
transaction and handed to the sending task only after that transaction commits, so a
rolled-back change never tells anyone anything."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import check_point

from . import dispatch
from .backends import SendFailed, backend_for
from .errors import NotificationCode
from .models import Alert, Outbox

log = logging.getLogger("aftersales.notifications")

MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300


def _enqueue(outbox_id: int) -> None:
    from .tasks import send_outbox_task  # the task module imports this one

    dispatch.hand_on(send_outbox_task, outbox_id)


@transaction.atomic
def queue_notification(*, channel: str, recipient: str, body: str, subject: str = "",
                       ticket=None, kind: str = "", dedupe_key: str | None = None,
                       params: dict | None = None) -> Outbox:
    """Write the message in the caller's transaction; send it after commit.

    `params` fill the provider's approved template for `kind` (SMS and WeChat providers
    send templates, not free text). With `dedupe_key`, the same key again returns the row
    already queued."""
    if channel not in Outbox.Channel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationFailed(_("This field is required."), field="recipient")
    if not (body or "").strip():
        raise ValidationFailed(_("This field is required."), field="body")
    if dedupe_key:
        existing = Outbox.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            row = Outbox.objects.create(channel=channel, recipient=recipient[:254],
                                        subject=(subject or "")[:200], body=body, kind=kind,
                                        ticket=ticket, dedupe_key=dedupe_key or None,
                                        params={k: str(v) for k, v in (params or {}).items()})
    except IntegrityError:
        if not dedupe_key:
            raise
        return Outbox.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def send_outbox(*, outbox_id: int) -> Outbox | None:
    """Send one pending message. Safe to call twice or concurrently: a sender first claims
    the row with a conditional update; a sent or claimed row is left alone. The provider is
    called outside any transaction (no lock is held while SMTP talks)."""
    now = timezone.now()
    claimed = (Outbox.objects.filter(pk=outbox_id, status=Outbox.Status.PENDING)
               .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
               .update(locked_until=now + timedelta(seconds=CLAIM_SECONDS),
                       attempts=F("attempts") + 1))
    row = Outbox.objects.filter(pk=outbox_id).first()
    if not claimed or row is None:
        return row
    backend = backend_for(row.channel)
    try:
        message_id = backend.send(recipient=row.recipient, subject=row.subject,
                                  body=row.body, kind=row.kind, params=row.params)
    except Exception as exc:  # SendFailed, or whatever a provider's client raises
        if not isinstance(exc, (SendFailed, OSError)):
            log.exception("Backend for %s raised unexpectedly", row.channel)
        permanent = isinstance(exc, SendFailed) and exc.permanent
        row.last_error = str(exc)[:300]
        row.error_code = (getattr(exc, "code", "") or "")[:80]
        row.provider = backend.provider
        row.locked_until = None
        row.status = (Outbox.Status.FAILED if permanent or row.attempts >= MAX_ATTEMPTS
                      else Outbox.Status.PENDING)
        row.save(update_fields=["last_error", "error_code", "provider", "locked_until",
                                "status"])
        log.warning("Sending outbox row %s failed (attempt %s): %s", row.pk, row.attempts,
                    exc)
        return row
    row.status, row.sent_at, row.locked_until = Outbox.Status.SENT, timezone.now(), None
    row.provider, row.provider_message_id = backend.provider, (message_id or "")[:80]
    row.last_error = row.error_code = ""
    row.save(update_fields=["status", "sent_at", "locked_until", "provider",
                            "provider_message_id", "last_error", "error_code"])
    return row


def retry_pending_notifications(*, now=None, older_than_seconds: int = 60) -> int:
    """Hand every pending, unclaimed message older than a minute to the sending task again
    (lost after-commit hand-offs, broker outages, earlier failures). Returns how many."""
    now = now or timezone.now()
    ids = list(Outbox.objects.filter(status=Outbox.Status.PENDING,
                                     created_at__lte=now - timedelta(seconds=older_than_seconds))
               .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
               .order_by("created_at").values_list("pk", flat=True)[:500])
    for outbox_id in ids:
        _enqueue(outbox_id)
    return len(ids)


@transaction.atomic
def raise_alert(*, kind: str, ticket, for_role: str, message: str, key: str = "",
                due_at=None) -> tuple[Alert, bool]:
    """One alert per (kind, ticket, key): returns (alert, created)."""
    existing = Alert.objects.filter(kind=kind, ticket=ticket, key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, ticket=ticket, key=key, for_role=for_role,
                                         service_point_id=ticket.service_point_id,
                                         message=message[:300], due_at=due_at)
    except IntegrityError:
        return Alert.objects.get(kind=kind, ticket=ticket, key=key), False
    return alert, True


@transaction.atomic
def acknowledge_alert(*, actor, alert: Alert) -> Alert:
    check_point(actor=actor, service_point_id=alert.service_point_id)
    updated = (Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True)
               .update(acknowledged_at=timezone.now(), acknowledged_by=actor))
    if not updated:
        raise Conflict(NotificationCode.ALREADY_ACKNOWLEDGED,
                       _("This alert was already acknowledged."))
    return Alert.objects.get(pk=alert.pk)
