"""PRODUCT.md "In the field" and "Exchange and return evidence" through the actions API:
the contacted stage, arrival against the appointment and the late notice, the customer not
there, take-away custody, the tested stage before sign-off, fault reproduction and no
fault found, exchange of only the faulty item, a return refunded in the ledger. Every
refusal changes nothing."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from aftersales.billing.models import LedgerEntry, Refund
from aftersales.billing.selectors import charge_outstanding, visits_of
from aftersales.devices.models import Device, UnitExchange
from aftersales.devices.selectors import warranty_ends
from aftersales.notifications.models import Outbox
from aftersales.tickets.models import Custody, Ticket, TicketEvent, Visit
from tests.factories import CustomerFactory, DeviceFactory, FaultCodeFactory

from .conftest import act, error_code
from .factories import open_test_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
APPOINTMENT = "2026-11-23T14:00:00+08:00"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fault(db):
    return FaultCodeFactory(code="F-SCR", name="屏幕故障")


@pytest.fixture
def assigned(make_ticket, hotline_api, tech):
    ticket = make_ticket(contact_phone="13912345678")
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    return ticket


def snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (ticket.status, ticket.version, TicketEvent.objects.filter(ticket=ticket).count(),
            Visit.objects.filter(ticket=ticket).count(), Outbox.objects.count())


# -- the contacted stage ------------------------------------------------------------------


def test_the_contact_meets_the_call_back_reply_and_answer_clocks(make_ticket, tech, tech_api,
                                                                 hotline_api, frozen):
    ticket = make_ticket(priority="urgent", channel="email")
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    frozen.shift(timedelta(minutes=3))
    body = act(tech_api, ticket, "contact").json()
    assert body["sla"]["contact"]["met_at"] == "2026-11-23T10:03:00+08:00"
    assert body["sla"]["contact"]["breached"] is False
    assert body["sla"]["reply"]["met_at"] is None
    frozen.shift(timedelta(minutes=30))
    body = act(tech_api, ticket, "contact", note="已电话指导重启", answered=True).json()
    assert body["sla"]["reply"]["met_at"] == "2026-11-23T10:33:00+08:00"
    assert body["sla"]["answer"]["met_at"] == "2026-11-23T10:33:00+08:00"
    assert body["status"] == "assigned"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.contacted_at == NOW + timedelta(minutes=3)  # the first contact is kept


def test_a_bad_contact_changes_nothing(assigned, tech_api):
    before = snapshot(assigned)
    response = act(tech_api, assigned, "contact", note="x" * 501)
    assert response.status_code == 422
    assert snapshot(assigned) == before


# -- the appointment, the late notice, arrival ---------------------------------------------


def test_late_engineer_tells_the_customer_first_and_lateness_is_kept(assigned, tech_api,
                                                                     frozen):
    act(tech_api, assigned, "schedule_visit", at=APPOINTMENT)
    frozen.move_to("2026-11-23T13:50:00+08:00")
    told = act(tech_api, assigned, "notify_late", minutes=20)
    assert told.status_code == 200
    notice = Outbox.objects.get(kind="late_engineer", channel="sms")
    assert "20" in notice.body and "14:00" in notice.body
    frozen.move_to("2026-11-23T14:17:00+08:00")
    body = act(tech_api, assigned, "arrive").json()
    visit = Visit.objects.get(ticket=assigned)
    assert (visit.minutes_late, visit.late_notice_at) == (
        17, datetime(2026, 11, 23, 5, 50, tzinfo=UTC))
    assert body["events"][-1]["data"] == {"trip_no": 1, "minutes_late": 17}


def test_late_without_notice_is_flagged(assigned, tech_api, frozen):
    act(tech_api, assigned, "schedule_visit", at=APPOINTMENT)
    frozen.move_to("2026-11-23T13:40:00+08:00")
    early = act(tech_api, assigned, "arrive").json()
    assert early["events"][-1]["data"] == {"trip_no": 1, "minutes_late": -20}


def test_a_notice_after_the_appointment_is_refused(assigned, tech_api, frozen):
    act(tech_api, assigned, "schedule_visit", at=APPOINTMENT)
    frozen.move_to("2026-11-23T14:05:00+08:00")
    before = snapshot(assigned)
    late = act(tech_api, assigned, "notify_late", minutes=10)
    assert (late.status_code, error_code(late)) == (409, "appointment_passed")
    bad = act(tech_api, assigned, "notify_late", minutes=0)
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "minutes")
    missing = act(tech_api, assigned, "notify_late")
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "minutes")
    assert snapshot(assigned) == before
    assert Visit.objects.get(ticket=assigned).late_notice_at is None


# -- the customer not there -----------------------------------------------------------------


def test_customer_absent_gives_a_new_appointment_and_no_second_trip(assigned, tech_api,
                                                                    frozen):
    act(tech_api, assigned, "arrive")
    frozen.shift(timedelta(minutes=20))
    body = act(tech_api, assigned, "depart", outcome="customer_absent",
               at="2026-11-24T09:30:00+08:00").json()
    assert body["status"] == "scheduled"
    visits = list(Visit.objects.filter(ticket=assigned).order_by("trip_no"))
    assert [(v.trip_no, v.outcome, v.scheduled_at) for v in visits] == [
        (1, "customer_absent", None), (2, "", datetime(2026, 11, 24, 1, 30, tzinfo=UTC))]
    assert Outbox.objects.filter(kind="appointment", channel="sms").count() == 1
    # the next trip is the first for the fee
    frozen.move_to("2026-11-24T09:30:00+08:00")
    act(tech_api, assigned, "arrive")
    assert [v.revisit for v in visits_of(ticket=assigned)] == [False]
    quoted = act(tech_api, assigned, "quote").json()
    assert quoted["charges"]["total"] == "50.00"  # one city visit, no surcharge


def test_customer_absent_needs_a_future_appointment(assigned, tech_api):
    act(tech_api, assigned, "arrive")
    before = snapshot(assigned)
    for at in (None, "2026-11-23T09:00:00+08:00"):
        fields = {"outcome": "customer_absent"} | ({"at": at} if at else {})
        response = act(tech_api, assigned, "depart", **fields)
        assert (response.status_code, response.json()["error"]["field"]) == (422, "at")
    assert snapshot(assigned) == before
    assert Visit.objects.get(ticket=assigned).departed_at is None


# -- take-away custody and the tested stage ------------------------------------------------


def test_an_on_site_engineer_takes_the_unit_away_with_a_custody_label(assigned, tech_api):
    act(tech_api, assigned, "arrive")
    body = act(tech_api, assigned, "take_away", condition="屏幕有划痕",
               accessories=["充电器", "数据线"]).json()
    custody = Custody.objects.get(ticket=assigned)
    assert (custody.label, custody.condition, custody.accessories, custody.taken_on_site) == (
        "CU20261123-0001", "屏幕有划痕", ["充电器", "数据线"], True)
    assert body["events"][-1]["data"]["label"] == "CU20261123-0001"
    again = act(tech_api, assigned, "take_away", condition="x")
    assert (again.status_code, error_code(again)) == (409, "already_in_custody")


def test_take_away_needs_the_condition(assigned, tech_api):
    act(tech_api, assigned, "arrive")
    before = snapshot(assigned)
    response = act(tech_api, assigned, "take_away", accessories=["充电器"])
    assert (response.status_code, response.json()["error"]["field"]) == (422, "condition")
    assert snapshot(assigned) == before and not Custody.objects.exists()


def test_the_tested_stage_comes_before_the_sign_off(assigned, tech_api):
    act(tech_api, assigned, "arrive")
    act(tech_api, assigned, "diagnose", fault_code="F-SCR")
    act(tech_api, assigned, "depart", outcome="fixed")
    act(tech_api, assigned, "resolve", resolution="重新插排线")
    refused = act(tech_api, assigned, "sign_off", signed_by="刘先生")
    assert (refused.status_code, error_code(refused)) == (409, "not_tested")
    failed = act(tech_api, assigned, "test", passed=False, note="偶尔黑屏")
    assert failed.status_code == 200
    assert act(tech_api, assigned, "sign_off", signed_by="刘先生").status_code == 409
    assert act(tech_api, assigned, "test", passed=False).json()["error"]["field"] == "note"
    passed = act(tech_api, assigned, "test", note="连续开机2小时正常").json()
    assert passed["events"][-1]["data"] == {"passed": True, "note": "连续开机2小时正常"}
    signed = act(tech_api, assigned, "sign_off", signed_by="刘先生")
    assert signed.status_code == 200


# -- fault reproduction, no fault found, exchange, return ------------------------------------


@pytest.fixture
def new_phone(device):
    """Bought 5 days ago with invoice and card: return, exchange or repair."""
    device.purchase_date, device.invoice_no, device.warranty_card_no = (
        date(2026, 11, 18), "FP1", "K1")
    device.imei = "490154203237518"
    device.save()
    return device


def diagnose(api, ticket, **fields):
    return act(api, ticket, "diagnose", fault_code="F-SCR", **fields)


def test_no_fault_found_ends_the_job_and_sends_the_unit_back(assigned, tech_api):
    act(tech_api, assigned, "arrive")
    act(tech_api, assigned, "take_away", condition="完好")
    diagnose(tech_api, assigned, fault_reproduced=False)
    body = act(tech_api, assigned, "no_fault_found").json()
    assert body["status"] == "resolved"
    stored = Ticket.objects.get(pk=assigned.pk)
    assert (stored.no_fault_found, stored.resolution) == (True, "未发现故障，设备退回客户。")
    assert body["events"][-1]["data"]["send_back"] is True
    assert not UnitExchange.objects.exists()
    # no test is owed for a unit with no fault
    assert act(tech_api, assigned, "sign_off", signed_by="刘先生").status_code == 200


def test_an_exchange_needs_the_fault_reproduced(assigned, tech_api, new_phone):
    act(tech_api, assigned, "arrive")
    diagnose(tech_api, assigned, fault_reproduced=False,
             evidence={"invoice_date": "2026-11-18", "card_date": "2026-11-18"})
    before = snapshot(assigned)
    refused = act(tech_api, assigned, "exchange", new_serial="SN00000002",
                  new_imei="356938035643809")
    assert (refused.status_code, error_code(refused)) == (409, "fault_not_confirmed")
    assert snapshot(assigned) == before and Device.objects.count() == 1


def test_an_exchange_replaces_only_the_faulty_item_and_restarts_the_periods(
        assigned, tech_api, new_phone):
    act(tech_api, assigned, "arrive")
    body = diagnose(tech_api, assigned, fault_reproduced=True).json()
    assert body["warranty_options"] == ["return", "exchange", "free_repair"]
    # an accessory only
    charger = act(tech_api, assigned, "exchange", accessory="CHG-X9").json()
    assert charger["events"][-1]["data"]["accessory"] == "CHG-X9"
    # the handset
    body = act(tech_api, assigned, "exchange", new_serial="sn00000002",
               new_imei="356938035643809").json()
    data = body["events"][-1]["data"]
    assert (data["new_serial"], data["new_imei"], data["periods_from"]) == (
        "SN00000002", "356938035643809", "2026-11-23")
    new = Device.objects.get(serial="SN00000002")
    assert (new.replaces_id, new.purchase_date, new.warranty_card_date) == (
        new_phone.pk, date(2026, 11, 23), date(2026, 11, 23))
    assert warranty_ends(new) == date(2027, 11, 23)


def test_a_bad_exchange_changes_nothing(assigned, tech_api, new_phone):
    act(tech_api, assigned, "arrive")
    diagnose(tech_api, assigned, fault_reproduced=True)
    before = snapshot(assigned)
    bad = act(tech_api, assigned, "exchange", new_serial="SN00000002", new_imei="123")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "new_imei")
    assert snapshot(assigned) == before
    assert (Device.objects.count(), UnitExchange.objects.count()) == (1, 0)


def test_exchange_evidence_reasons_withhold_the_exchange(assigned, tech_api, new_phone):
    act(tech_api, assigned, "arrive")
    body = diagnose(tech_api, assigned, fault_reproduced=True, evidence={
        "invoice_date": "2026-11-17", "network_label": False}).json()
    assert body["warranty_options"] == ["free_repair"]
    assert body["warranty_reasons"] == ["invoice_mismatch", "label_missing"]
    refused = act(tech_api, assigned, "exchange", new_serial="SN00000002",
                  new_imei="356938035643809")
    assert (refused.status_code, error_code(refused)) == (409, "not_entitled")
    bad = diagnose(tech_api, assigned, evidence={"card_date": "yesterday"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "evidence.card_date")


def test_a_return_refunds_the_invoice_price_in_the_ledger(assigned, tech_api, boss_api,
                                                          new_phone):
    act(tech_api, assigned, "arrive")
    diagnose(tech_api, assigned, fault_reproduced=True)
    # an engineer may not refund; a bad amount is refused; nothing is booked
    assert act(tech_api, assigned, "return_unit", amount="2999.00",
               method="transfer").status_code == 403
    bad = act(boss_api, assigned, "return_unit", amount="-5", method="transfer")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "amount")
    assert not LedgerEntry.objects.exists()
    # when the manager refunds the invoice price
    body = act(boss_api, assigned, "return_unit", amount="2999.00", method="transfer",
               note="原路退回").json()
    assert body["events"][-1]["data"]["amount"] == "2999.00"
    # booked as an approved return refund is: the charge reversed, the money paid back
    reversal, entry = LedgerEntry.objects.order_by("id")
    assert (reversal.kind, reversal.amount) == ("adjustment", Decimal("-2999.00"))
    assert (entry.kind, entry.amount, entry.method, entry.charge.ticket_id) == (
        "refund", Decimal("2999.00"), "transfer", assigned.pk)
    refund = Refund.objects.get()
    assert (refund.reason, refund.status, refund.amount, refund.entry_id,
            refund.reversal_id) == ("return", "approved", Decimal("2999.00"), entry.pk,
                                    reversal.pk)
    assert charge_outstanding(charge_id=entry.charge_id) == Decimal("0.00")
    twice = act(boss_api, assigned, "return_unit", amount="2999.00", method="transfer")
    assert (twice.status_code, error_code(twice)) == (409, "already_refunded")
    assert (LedgerEntry.objects.count(), Refund.objects.count()) == (2, 1)


# -- a trip caused by our misdiagnosis ---------------------------------------------------


def test_a_trip_marked_as_our_misdiagnosis_is_not_charged(hotline, hotline_api, tech,
                                                          tech_api, point, frozen):
    customer = CustomerFactory(zone="prefecture", service_point=point)
    ticket = open_test_ticket(actor=hotline, customer=customer,
                              device=DeviceFactory(serial="SN00000077", customer=customer))
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    for _trip in range(2):
        act(tech_api, ticket, "arrive")
        frozen.shift(timedelta(hours=1))
        act(tech_api, ticket, "depart", outcome="revisit")
    act(tech_api, ticket, "arrive")
    act(tech_api, ticket, "diagnose", fault_code="F-SCR")
    before = snapshot(ticket)
    assert act(tech_api, ticket, "mark_misdiagnosis", trip_no=7).json()["error"]["field"] == \
        "trip_no"
    assert snapshot(ticket) == before
    assert act(tech_api, ticket, "mark_misdiagnosis", trip_no=2).status_code == 200
    again = act(tech_api, ticket, "mark_misdiagnosis", trip_no=2)
    assert (again.status_code, error_code(again)) == (409, "already_marked")
    body = act(tech_api, ticket, "quote").json()
    # 100 (first visit) + 0 (trip 2, our misdiagnosis) + 50 (trip 3's surcharge)
    assert [(line["kind"], line["amount"]) for line in body["charges"]["lines"]] == [
        ("visit", "100.00"), ("revisit", "0.00"), ("revisit", "50.00")]
    assert body["charges"]["total"] == "150.00"
