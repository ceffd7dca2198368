"""Issue 11 "In CI": schemathesis against /api/v1/openapi.json, in-process through the WSGI
app, bounded and derandomized: no answer is a 5xx and every answer matches the document
(status code declared, content type, body schema, headers).

AFTERSALES_FUZZ_EXAMPLES sets the examples per operation (default 25)."""
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aftersales.core.api import issue_token
from aftersales.wsgi import application
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ServicePointFactory,
    UserFactory,
)

EXAMPLES = int(os.environ.get("AFTERSALES_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def world(db, settings):
    # Requests go through the real WSGI handler; like Django's test client, keep the test's
    # connection (and its rolled-back transaction) across them.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # the limits are proven elsewhere; here every request should reach its endpoint
    settings.PUBLIC_RATE_LIMIT_PER_IP = settings.PUBLIC_RATE_LIMIT_PER_TICKET = 10 ** 9
    settings.SMS_RATE_PER_PHONE = settings.SMS_RATE_PER_IP = 10 ** 9
    settings.LOGIN_FAILURE_LIMIT = settings.LOGIN_IP_FAILURE_LIMIT = 10 ** 9
    point = ServicePointFactory(code="FZ", name="Fuzz")
    customer = CustomerFactory(service_point=point, phone="13800000001")
    DeviceFactory(serial="SN-FUZZ-1", customer=customer)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin(db):
    return UserFactory(username="fuzz_admin", role="admin", is_superuser=True, is_staff=True)


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_within_its_document(case, admin):
    token = issue_token(admin)  # afresh: DELETE /auth/token may have revoked the last one
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
