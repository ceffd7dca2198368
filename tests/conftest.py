"""Shared fixtures: users of every role, an API client with a bearer token, and the
factories of each app exposed as fixtures."""
import os

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from aftersales.core.api import issue_token
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    FaultCodeFactory,
    PartFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)
from tests.seeds import ensure_seeded_rules

# Speed is measured in bench/, never asserted as a time: an example that is slow because the
# machine is busy is not a failure, so no profile has a deadline or the "too slow" check.
# CI also derandomises, so a CI result is reproducible; locally examples stay random.
hypothesis_settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def pytest_configure(config):
    from django.conf import settings

    # PBKDF2's deliberate slowness guards real passwords; in tests it only costs minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the rate-limit windows of the public side are
    counted there, and one test's requests from 127.0.0.1 must not limit the next one's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _seeded_rules_after_a_flush(request):
    """Transactional tests start with the migrations' rule rows, whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_seeded_rules()


class ApiClient:
    """Talks JSON to /api/v1 with a bearer token, like an integrator would."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user)}"

    def _url(self, path):
        return path if path.startswith("/api/") else f"/api/v1{path}"

    def get(self, path, params=None, **extra):
        return self.client.get(self._url(path), params or {}, **self.headers, **extra)

    def post(self, path, data=None, **extra):
        return self.client.post(self._url(path), data or {}, content_type="application/json",
                                **self.headers, **extra)

    def patch(self, path, data=None, **extra):
        return self.client.patch(self._url(path), data or {}, content_type="application/json",
                                 **self.headers, **extra)


@pytest.fixture
def api_for(db):
    return ApiClient


@pytest.fixture
def hq(db):
    return ServicePointFactory(code="HQ", kind="hq", tier="diamond")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="boss", role="manager")


@pytest.fixture
def agent(db):
    return UserFactory(username="hotline", role="agent")


@pytest.fixture
def engineer(db):
    return UserFactory(username="eng", role="engineer", skills=["手机"])


@pytest.fixture
def admin_api(admin_user):
    return ApiClient(admin_user)


@pytest.fixture
def agent_api(agent):
    return ApiClient(agent)


@pytest.fixture
def anon_api(db):
    return ApiClient()


@pytest.fixture
def service_point_factory(db):
    return ServicePointFactory


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def customer_factory(db):
    return CustomerFactory


@pytest.fixture
def product_model_factory(db):
    return ProductModelFactory


@pytest.fixture
def part_factory(db):
    return PartFactory


@pytest.fixture
def fault_code_factory(db):
    return FaultCodeFactory


@pytest.fixture
def device_factory(db):
    return DeviceFactory
