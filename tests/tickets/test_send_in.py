"""Send-in repair (送修): custody label on receipt, condition and accessories, shipping back."""
from datetime import UTC, datetime

import pytest
import time_machine

from aftersales.tickets.models import Custody, Ticket
from tests.factories import FaultCodeFactory

from .conftest import act, error_code

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_receive_issues_a_unique_custody_label(make_ticket, hotline_api):
    # given two units handed in
    first, second = make_ticket(mode="send_in"), make_ticket(mode="send_in")
    # when
    one = act(hotline_api, first, "receive", condition="屏幕有划痕",
              accessories=["充电器", "数据线"], location="维修台 A3").json()
    two = act(hotline_api, second, "receive").json()
    # then
    assert one["custody"] == {
        "label": "CU20261123-0001", "state": "received", "condition": "屏幕有划痕",
        "accessories": ["充电器", "数据线"], "location": "维修台 A3",
        "received_at": "2026-11-23T10:00:00+08:00", "shipped_at": None, "carrier": "",
        "tracking_no": ""}
    assert two["custody"]["label"] == "CU20261123-0002"
    assert (one["status"], one["responded_at"]) == ("responded",
                                                    "2026-11-23T10:00:00+08:00")


def test_receive_twice_or_for_an_onsite_job_is_refused(make_ticket, hotline_api):
    send_in, onsite = make_ticket(mode="send_in"), make_ticket(mode="onsite")
    act(hotline_api, send_in, "receive")
    twice = act(hotline_api, send_in, "receive")
    wrong = act(hotline_api, onsite, "receive")
    assert (twice.status_code, error_code(twice)) == (409, "already_received")
    assert (wrong.status_code, error_code(wrong)) == (409, "wrong_mode")
    assert Custody.objects.count() == 1


def test_diagnose_needs_the_unit(make_ticket, hotline_api, boss_api):
    FaultCodeFactory(code="F-PWR")
    ticket = make_ticket(mode="send_in")
    act(hotline_api, ticket, "respond")
    response = act(boss_api, ticket, "diagnose", fault_code="F-PWR")
    assert (response.status_code, error_code(response)) == (409, "not_received")
    assert Ticket.objects.get(pk=ticket.pk).fault_code_id is None


def test_ship_back_after_repair(make_ticket, hotline_api, boss_api):
    # given a repaired unit in custody
    FaultCodeFactory(code="F-PWR")
    ticket = make_ticket(mode="send_in")
    act(hotline_api, ticket, "receive", condition="完好")
    early = act(hotline_api, ticket, "ship_back", carrier="顺丰")
    act(boss_api, ticket, "diagnose", fault_code="F-PWR")
    act(boss_api, ticket, "quote")
    act(hotline_api, ticket, "approve_quote")
    act(boss_api, ticket, "resolve", resolution="更换电源板")
    # when
    shipped = act(hotline_api, ticket, "ship_back", carrier="顺丰", tracking_no="SF1234567890")
    again = act(hotline_api, ticket, "ship_back", carrier="顺丰")
    # then
    assert (early.status_code, error_code(early)) == (409, "invalid_transition")
    custody = shipped.json()["custody"]
    assert (custody["state"], custody["carrier"], custody["tracking_no"],
            custody["shipped_at"], custody["location"]) == (
        "shipped", "顺丰", "SF1234567890", "2026-11-23T10:00:00+08:00", "shipped")
    assert (again.status_code, error_code(again)) == (409, "not_in_custody")


def test_visits_are_not_for_send_in(make_ticket, hotline_api, tech, tech_api):
    ticket = make_ticket(mode="send_in")
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    response = act(tech_api, ticket, "arrive")
    assert (response.status_code, error_code(response)) == (409, "wrong_mode")
