import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with empty rate-limit windows."""
    cache.clear()
    yield
    cache.clear()
