"""POST /telephony/calls: the call centre's own token, an HMAC signature, a timestamp that
refuses replays; the call logged on the customer; the agent's screen-pop once."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from aftersales.telephony import selectors, services
from aftersales.telephony.models import Call
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.tickets.factories import open_test_ticket

TOKEN, SECRET = "tel-token-2611", "tel-secret-2611"


@pytest.fixture
def telephony(settings, db):
    settings.TELEPHONY_TOKEN, settings.TELEPHONY_SECRET = TOKEN, SECRET
    point = ServicePointFactory(code="SJZ")
    agent = UserFactory(username="agent", role="agent", service_point=point)
    services.set_extension(actor=agent, agent=agent, extension="8001")
    customer = CustomerFactory(name="张伟", phone="13912345678", service_point=point)
    return agent, customer


def report(body: dict, *, token=TOKEN, secret=SECRET, stamp=None, signature=None):
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()) if stamp is None else stamp)
    sig = signature or "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + raw,
                                            hashlib.sha256).hexdigest()
    return Client().post("/api/v1/telephony/calls", data=raw, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_TELEPHONY_TIMESTAMP=stamp,
                         HTTP_X_TELEPHONY_SIGNATURE=sig)


def test_a_known_caller_is_logged_on_the_customer_and_pops_up_once(telephony):
    agent, customer = telephony
    resp = report({"caller": "+86 139 1234 5678", "extension": "8001", "call_id": "c-1"})
    assert resp.status_code == 201
    body = resp.json()
    assert (body["customer"], body["customer_name"], body["agent"], body["new_caller"]) == (
        customer.pk, "张伟", agent.pk, False)
    assert body["number"] == "13912345678"
    assert [c.pk for c in selectors.calls_of_customer(actor=agent, customer=customer)] == [
        body["id"]]
    # the agent's console shows it once
    client = Client()
    client.force_login(agent)
    first = client.get("/telephony/pop/")
    again = client.get("/telephony/pop/")
    assert "张伟" in first.content.decode() and f"/customers/{customer.pk}/" in first.content.decode()
    assert (again.status_code, again.content) == (204, b"")  # the shown pop stays


def test_a_new_caller_is_offered_a_new_archive(telephony):
    agent, _ = telephony
    resp = report({"caller": "13700000000", "extension": "8001"})
    assert resp.json()["new_caller"] is True and resp.json()["customer"] is None
    client = Client()
    client.force_login(agent)
    page = client.get("/telephony/pop/").content.decode()
    assert "/customers/new/?phone=13700000000" in page


@pytest.mark.parametrize("kwargs, code", [
    ({"token": "wrong"}, "unauthorized"),
    ({"secret": "wrong"}, "bad_signature"),
    ({"stamp": int(time.time()) - 3600}, "stale_request"),
    ({"stamp": "soon"}, "stale_request"),
])
def test_unsigned_or_stale_reports_are_refused_and_log_nothing(telephony, kwargs, code):
    resp = report({"caller": "13912345678", "extension": "8001"}, **kwargs)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == code
    assert Call.objects.count() == 0


def test_a_replayed_report_is_refused(telephony):
    stamp = int(time.time())
    first = report({"caller": "13912345678", "extension": "8001"}, stamp=stamp)
    replay = report({"caller": "13912345678", "extension": "8001"}, stamp=stamp)
    assert (first.status_code, replay.status_code) == (201, 409)
    assert replay.json()["error"]["code"] == "replayed"
    assert Call.objects.count() == 1


def test_nothing_is_accepted_while_telephony_is_not_configured(telephony, settings):
    settings.TELEPHONY_TOKEN = ""
    assert report({"caller": "13912345678", "extension": "8001"}).status_code == 401


def test_bad_input_is_a_422_naming_the_field(telephony):
    resp = report({"caller": "13912345678", "extension": ""})
    assert resp.status_code == 422 and resp.json()["error"]["field"] == "extension"
    assert Call.objects.count() == 0


def test_the_ticket_opened_from_the_call_is_logged_on_the_call(telephony):
    agent, customer = telephony
    call_id = report({"caller": "13912345678", "extension": "8001"}).json()["id"]
    ticket = open_test_ticket(actor=agent, customer=customer)
    call = services.attach_call_to_ticket(actor=agent, call=Call.objects.get(pk=call_id),
                                          ticket=ticket)
    assert call.ticket_id == ticket.pk
    other = open_test_ticket(actor=agent, customer=customer)
    with pytest.raises(Exception) as refused:
        services.attach_call_to_ticket(actor=agent, call=call, ticket=other)
    assert refused.value.code == "call_has_ticket"
    assert Call.objects.get(pk=call_id).ticket_id == ticket.pk


def test_an_extension_belongs_to_one_agent(telephony):
    agent, _ = telephony
    other = UserFactory(role="agent")
    with pytest.raises(Exception) as refused:
        services.set_extension(actor=agent, agent=other, extension="8001")
    assert refused.value.code == "extension_taken"
