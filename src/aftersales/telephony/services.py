"""Writes of telephony: a reported call, its screen-pop, and its link to a ticket.

The call centre authenticates with a token of its own and signs each request:
X-Telephony-Timestamp (unix seconds, at most TELEPHONY_MAX_SKEW_SECONDS old or ahead) and
X-Telephony-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>. The same
signature twice is a replay and is refused."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, CoreCode, DomainError, ErrorKind, ValidationFailed
from aftersales.core.scoping import check_point
from aftersales.core.validation import clean_phone
from aftersales.customers.models import Customer

from .errors import TelephonyCode
from .models import AgentLine, Call

POP_WINDOW = timedelta(minutes=2)  # a call older than this no longer pops up


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()


def check_request(*, token: str, timestamp: str, signature: str, body: bytes,
                  now: float | None = None) -> None:
    """Refuse (401) anything not signed by the call centre, or signed too long ago."""
    unauthorized = DomainError(CoreCode.UNAUTHORIZED, _("The call centre's credentials are wrong."),
                               kind=ErrorKind.UNAUTHORIZED)
    if not settings.TELEPHONY_TOKEN or not settings.TELEPHONY_SECRET:
        raise unauthorized
    if not hmac.compare_digest(token.encode(), settings.TELEPHONY_TOKEN.encode()):
        raise unauthorized
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        raise DomainError(TelephonyCode.STALE_REQUEST, _("The request's timestamp is missing or wrong."),
                          kind=ErrorKind.UNAUTHORIZED) from None
    now = time.time() if now is None else now
    if abs(now - stamp) > settings.TELEPHONY_MAX_SKEW_SECONDS:
        raise DomainError(TelephonyCode.STALE_REQUEST, _("The request's timestamp is too old."),
                          kind=ErrorKind.UNAUTHORIZED)
    expected = expected_signature(settings.TELEPHONY_SECRET, timestamp, body)
    if not hmac.compare_digest(expected, signature or ""):
        raise DomainError(TelephonyCode.BAD_SIGNATURE, _("The request's signature does not match."),
                          kind=ErrorKind.UNAUTHORIZED)


def _customer_by_phone(phone: str) -> Customer | None:
    """The archive with this phone; a provisional record (a web booking's, its phone not
    verified) only when no archive has it, and the screen-pop marks it 待验证."""
    return (Customer.objects.filter(Q(phone=phone) | Q(contacts__phone=phone))
            .order_by("provisional", "id").first())


@transaction.atomic
def log_incoming_call(*, number: str, extension: str, signature: str, call_id: str = "",
                      at=None) -> Call:
    """Log a call reported by the call centre: the customer by their number (archive or a
    contact's), the agent by the extension. A replayed request is refused (409)."""
    raw = (number or "").strip()
    try:
        phone = clean_phone(raw, field="caller")
    except ValidationFailed:
        digits = "".join(ch for ch in raw if ch.isdigit())
        if not digits:
            raise
        phone = digits[-20:]  # an unknown or foreign number is still logged, just not matched
    extension = (extension or "").strip()
    if not extension or len(extension) > 20:
        raise ValidationFailed(_("Give the agent's extension (at most 20 characters)."),
                               field="extension")
    line = AgentLine.objects.select_related("agent").filter(extension=extension).first()
    try:
        with transaction.atomic():
            call = Call.objects.create(
                number=phone, extension=extension, agent=line.agent if line else None,
                customer=_customer_by_phone(phone), call_id=(call_id or "").strip()[:80],
                signature=signature[:100], received_at=at or timezone.now())
    except IntegrityError:
        raise Conflict(TelephonyCode.REPLAYED, _("This call was already reported.")) from None
    return call


@transaction.atomic
def pop_next_call(*, agent, now=None) -> Call | None:
    """The newest call for this agent not yet shown, marked shown (at most once)."""
    now = now or timezone.now()
    call = (Call.objects.select_for_update(skip_locked=True)
            .filter(agent=agent, popped_at__isnull=True, received_at__gte=now - POP_WINDOW)
            .order_by("-id").first())
    if call is None:
        return None
    call.popped_at = now
    call.save(update_fields=["popped_at"])
    return call


@transaction.atomic
def attach_call_to_ticket(*, actor, call: Call, ticket) -> Call:
    """The ticket opened from a screen-pop remembers the call (and the call its ticket)."""
    check_point(actor=actor, service_point_id=ticket.service_point_id)
    if call.agent_id not in (None, actor.pk):
        raise Conflict(TelephonyCode.NOT_YOUR_CALL, _("This call rang at another agent's desk."))
    if call.ticket_id not in (None, ticket.pk):
        raise Conflict(TelephonyCode.CALL_HAS_TICKET, _("This call already has a ticket."))
    updated = Call.objects.filter(pk=call.pk, ticket__isnull=True).update(
        ticket=ticket, customer=call.customer or ticket.customer)
    call.refresh_from_db()
    if not updated and call.ticket_id != ticket.pk:
        raise Conflict(TelephonyCode.CALL_HAS_TICKET, _("This call already has a ticket."))
    return call


@transaction.atomic
def set_extension(*, actor, agent, extension: str) -> AgentLine:
    extension = (extension or "").strip()
    if not extension or len(extension) > 20:
        raise ValidationFailed(_("Give the extension (at most 20 characters)."),
                               field="extension")
    taken = AgentLine.objects.filter(extension=extension).exclude(agent=agent).exists()
    if taken:
        raise Conflict(TelephonyCode.EXTENSION_TAKEN, _("Another agent has this extension."),
                       field="extension")
    line, _created = AgentLine.objects.update_or_create(agent=agent,
                                                        defaults={"extension": extension})
    return line
