"""Rate limits of the public API and portal, counted in core.throttle's shared store
(Redis when configured, else the database; never per process).

Ticket numbers are guessable, so tracking is limited per client address AND per ticket
number (many addresses trying phones for one number are stopped too). Text messages a
caller can cause (booking codes) are limited per phone and per address. Limits come from
settings (AFTERSALES_PUBLIC_RATE_*, AFTERSALES_SMS_RATE_*); a refusal is 429 with the
seconds to wait in `Retry-After`.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from aftersales.core import throttle
from aftersales.core.errors import RateLimited
from aftersales.core.throttle import client_ip

__all__ = ["RateLimited", "check", "check_sms", "client_ip"]


def _refuse(wait: int, message: str | None = None) -> RateLimited:
    return RateLimited(message or _("Too many requests. Please wait a minute."),
                       retry_after=wait)


def check(request, *, ticket_number: str | None = None) -> None:
    """Raise RateLimited (429) when the client or the ticket number is over its limit."""
    window = settings.PUBLIC_RATE_LIMIT_WINDOW_SECONDS
    waits = []
    by_ip = throttle.hit(f"public:ip:{client_ip(request)}", window=window)
    if by_ip.count > settings.PUBLIC_RATE_LIMIT_PER_IP:
        waits.append(by_ip.retry_after)
    if ticket_number:
        by_ticket = throttle.hit(f"public:ticket:{ticket_number.strip().upper()[:40]}",
                                 window=window)
        if by_ticket.count > settings.PUBLIC_RATE_LIMIT_PER_TICKET:
            waits.append(by_ticket.retry_after)
    if waits:
        raise _refuse(max(waits))


def check_sms(*, phone: str, client_ip: str = "") -> None:
    """One more text message to `phone` asked for by the caller at `client_ip`, or 429.
    Call it outside a transaction that a refusal rolls back (the count must stay)."""
    window = settings.SMS_RATE_WINDOW_SECONDS
    waits = []
    by_phone = throttle.hit(f"sms:phone:{phone}", window=window)
    if by_phone.count > settings.SMS_RATE_PER_PHONE:
        waits.append(by_phone.retry_after)
    if client_ip:
        by_ip = throttle.hit(f"sms:ip:{client_ip}", window=window)
        if by_ip.count > settings.SMS_RATE_PER_IP:
            waits.append(by_ip.retry_after)
    if waits:
        raise _refuse(max(waits), _("Too many text messages asked for. Please try later."))
