"""Counters shared by every server process: rate limits and the sign-in lockout.

One fixed-window counter per key, kept in Redis when one is configured
(AFTERSALES_REDIS_URL, or a redis:// broker) and in the database otherwise; never in a
process's own memory, so four gunicorn workers count one limit, not four. When Redis
does not answer, the database counts instead (a limit is never silently lifted).
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import RateCounter

log = logging.getLogger(__name__)

_redis_clients: dict = {}


def _redis():
    url = settings.RATE_LIMIT_REDIS_URL
    if not url:
        return None
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=1,
                                                   socket_connect_timeout=1)
    return _redis_clients[url]


@dataclass(frozen=True)
class Count:
    count: int
    retry_after: int  # seconds until this window ends


def _bucket(key: str, window: int, now: float) -> tuple[str, float]:
    index = int(now // window)
    return f"{settings.RATE_LIMIT_PREFIX}{key}:{window}:{index}", (index + 1) * window


def _retry(ends: float, now: float) -> int:
    return max(1, math.ceil(ends - now))


def _db_hit(bucket: str, ends: float) -> int:
    expires = timezone.now() + timedelta(seconds=max(1.0, ends - time.time()))
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement on SQLite and PostgreSQL: concurrent hits cannot lose a count.
        cursor.execute(
            f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [bucket, expires])
        return cursor.fetchone()[0]


def hit(key: str, *, window: int) -> Count:
    """Count one event against `key` in the current window of `window` seconds."""
    now = time.time()
    bucket, ends = _bucket(key, window, now)
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline()
            pipe.incr(bucket)
            pipe.expire(bucket, window + 1)
            count = int(pipe.execute()[0])
            return Count(count, _retry(ends, now))
        except Exception as exc:  # redis.RedisError and socket errors: count in the DB
            log.warning("rate counter: Redis unavailable (%s); counting in the database", exc)
    return Count(_db_hit(bucket, ends), _retry(ends, now))


def peek(key: str, *, window: int) -> Count:
    """The current window's count for `key` without adding to it."""
    now = time.time()
    bucket, ends = _bucket(key, window, now)
    client = _redis()
    if client is not None:
        try:
            return Count(int(client.get(bucket) or 0), _retry(ends, now))
        except Exception as exc:
            log.warning("rate counter: Redis unavailable (%s); reading the database", exc)
    row = RateCounter.objects.filter(bucket=bucket).values_list("count", flat=True).first()
    return Count(row or 0, _retry(ends, now))


def reset(key: str, *, window: int) -> None:
    bucket, _ends = _bucket(key, window, time.time())
    client = _redis()
    if client is not None:
        try:
            client.delete(bucket)
        except Exception:
            pass
    RateCounter.objects.filter(bucket=bucket).delete()


def sweep_expired_counters(*, now=None) -> int:
    """Windows that ended are rows nobody reads again (Redis expires its own keys)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or the header a reverse proxy sets
    (AFTERSALES_CLIENT_IP_HEADER, its last entry: the proxy's own view)."""
    header = settings.PUBLIC_CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return (request.META.get("REMOTE_ADDR", "") or "unknown")[:64]
