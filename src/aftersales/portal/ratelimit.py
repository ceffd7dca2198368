"""A small fixed-window rate limiter on Django's cache, for the public API and portal.

Ticket numbers are guessable, so tracking is limited per client address AND per ticket
number (many addresses trying phones for one number are stopped too). Limits come from
settings (AFTERSALES_PUBLIC_RATE_*). With the default local-memory cache the count is per
process; point AFTERSALES_CACHE_URL at Redis to share it between servers.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError, ErrorKind


class RateLimited(DomainError):
    kind = ErrorKind.RATE_LIMITED

    def __init__(self):
        super().__init__("rate_limited", _("Too many requests. Please wait a minute."))


def hit(key: str, *, limit: int, window: int) -> int:
    """Count one request against `key` in the current window; return the count so far."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window * 2)
        return 1


def client_ip(request) -> str:
    header = settings.PUBLIC_CLIENT_IP_HEADER
    if header:
        # X-Forwarded-For style lists: the proxy appends, so the last entry is its own view
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check(request, *, ticket_number: str | None = None) -> None:
    """Raise RateLimited (429) when the client or the ticket number is over its limit."""
    window = settings.PUBLIC_RATE_LIMIT_WINDOW_SECONDS
    over = hit(f"ip:{client_ip(request)}", limit=settings.PUBLIC_RATE_LIMIT_PER_IP,
               window=window) > settings.PUBLIC_RATE_LIMIT_PER_IP
    if ticket_number:
        over |= hit(f"ticket:{ticket_number.strip().upper()}",
                    limit=settings.PUBLIC_RATE_LIMIT_PER_TICKET,
                    window=window) > settings.PUBLIC_RATE_LIMIT_PER_TICKET
    if over:
        raise RateLimited()
