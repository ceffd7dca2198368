"""Issue 11: the rate counters live in Redis when one is configured (one count for every
server process), in the database otherwise, and in the database when Redis is down."""
import socket
import uuid

import pytest
import redis

from aftersales.core import throttle
from aftersales.core.models import RateCounter

SHARED_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def own_prefix(settings):
    settings.RATE_LIMIT_PREFIX = f"aftersales-test-{uuid.uuid4().hex[:8]}:"
    return settings.RATE_LIMIT_PREFIX


@pytest.mark.services
def test_with_redis_the_counts_are_in_redis(db, settings, own_prefix):
    settings.RATE_LIMIT_REDIS_URL = SHARED_REDIS
    client = redis.Redis.from_url(SHARED_REDIS)
    try:
        counts = [throttle.hit("k", window=60).count for _ in range(3)]
        assert counts == [1, 2, 3]
        assert throttle.peek("k", window=60).count == 3
        keys = client.keys(own_prefix + "*")
        assert len(keys) == 1 and 0 < client.ttl(keys[0]) <= 61
        assert not RateCounter.objects.exists()
        throttle.reset("k", window=60)
        assert throttle.peek("k", window=60).count == 0
    finally:
        for key in client.keys(own_prefix + "*"):
            client.delete(key)


def test_without_redis_the_database_counts(db, settings, own_prefix):
    settings.RATE_LIMIT_REDIS_URL = ""
    assert [throttle.hit("k", window=60).count for _ in range(3)] == [1, 2, 3]
    assert RateCounter.objects.get().count == 3


def test_when_redis_is_down_the_database_counts(db, settings, own_prefix):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.RATE_LIMIT_REDIS_URL = f"redis://127.0.0.1:{port}/0"
    assert [throttle.hit("k", window=60).count for _ in range(2)] == [1, 2]
    assert RateCounter.objects.get().count == 2
