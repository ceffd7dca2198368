"""The workflow through the API: every action of API.md's table and its refusals."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from aftersales.tickets.actions import ACTIONS, SPECS
from aftersales.tickets.models import Ticket, TicketEvent, Visit

from .conftest import act, error_code

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (ticket.status, ticket.version, ticket.engineer_id,
            TicketEvent.objects.filter(ticket=ticket).count(),
            Visit.objects.filter(ticket=ticket).count())


def test_respond_stops_the_response_clock(make_ticket, hotline_api):
    # given
    ticket = make_ticket()
    # when
    response = act(hotline_api, ticket, "respond", note="已致电客户", version=1)
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"]) == ("responded", 2)
    assert body["sla"]["respond"]["met_at"] == "2026-11-23T10:00:00+08:00"
    assert body["sla"]["respond"]["breached"] is False
    assert body["events"][-1] == {
        "at": "2026-11-23T10:00:00+08:00", "action": "respond", "by": "张客服",
        "by_id": ticket.created_by_id,
        "from_status": "new", "to_status": "responded", "data": {"note": "已致电客户"}}


def test_stale_version_is_refused_and_changes_nothing(make_ticket, hotline_api):
    # given
    ticket = make_ticket()
    before = snapshot(ticket)
    # when
    response = act(hotline_api, ticket, "respond", version=7)
    # then
    assert (response.status_code, error_code(response)) == (409, "stale_version")
    assert snapshot(ticket) == before


def test_action_not_allowed_now_is_invalid_transition(make_ticket, hotline_api):
    # given a new ticket
    ticket = make_ticket()
    before = snapshot(ticket)
    # when it is closed before anything happened
    response = act(hotline_api, ticket, "close")
    # then
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")
    assert snapshot(ticket) == before


def test_unknown_action_is_422(make_ticket, hotline_api):
    ticket = make_ticket()
    response = act(hotline_api, ticket, "teleport")
    assert response.status_code == 422


def test_assign_then_only_a_manager_reassigns(make_ticket, hotline_api, boss_api, tech,
                                              other_tech):
    # given
    ticket = make_ticket()
    assigned = act(hotline_api, ticket, "assign", engineer=tech.pk)
    assert (assigned.status_code, assigned.json()["status"]) == (200, "assigned")
    before = snapshot(ticket)
    # when the agent tries to hand it to another engineer
    refused = act(hotline_api, ticket, "assign", engineer=other_tech.pk)
    # then
    assert (refused.status_code, error_code(refused)) == (403, "reassign_needs_manager")
    assert snapshot(ticket) == before
    # when the manager does
    moved = act(boss_api, ticket, "assign", engineer=other_tech.pk)
    assert (moved.status_code, moved.json()["engineer"]) == (200, other_tech.pk)
    assert moved.json()["events"][-1]["data"] == {"engineer": other_tech.pk,
                                                  "previous": tech.pk}


def test_assign_refuses_a_non_engineer_and_another_points_staff(make_ticket, hotline_api,
                                                                hotline, user_factory,
                                                                other_point):
    ticket = make_ticket()
    stranger = user_factory(username="bj_eng", role="engineer", service_point=other_point)
    not_engineer = act(hotline_api, ticket, "assign", engineer=hotline.pk)
    other_point_engineer = act(hotline_api, ticket, "assign", engineer=stranger.pk)
    missing = act(hotline_api, ticket, "assign")
    assert (not_engineer.status_code, not_engineer.json()["error"]["field"]) == (422, "engineer")
    assert (other_point_engineer.status_code,
            other_point_engineer.json()["error"]["field"]) == (422, "engineer")
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "engineer")
    assert Ticket.objects.get(pk=ticket.pk).engineer_id is None


def test_engineer_cannot_decline_or_hand_over(make_ticket, hotline_api, tech_api, tech,
                                              other_tech):
    # given the engineer's own job
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    before = snapshot(ticket)
    # when
    cancel = act(tech_api, ticket, "cancel", reason="太远")
    hand_over = act(tech_api, ticket, "assign", engineer=other_tech.pk)
    # then
    assert (cancel.status_code, error_code(cancel)) == (403, "engineer_cannot_decline")
    assert (hand_over.status_code, error_code(hand_over)) == (403, "engineer_cannot_decline")
    assert snapshot(ticket) == before


def test_engineer_acts_only_on_own_jobs(make_ticket, hotline_api, tech_api, other_tech):
    # given someone else's job
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=other_tech.pk)
    before = snapshot(ticket)
    # when
    response = act(tech_api, ticket, "arrive")
    # then
    assert (response.status_code, error_code(response)) == (403, "not_your_job")
    assert snapshot(ticket) == before


def _assigned(make_ticket, hotline_api, tech, **overrides):
    ticket = make_ticket(**overrides)
    act(hotline_api, ticket, "respond")
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    return ticket


def test_schedule_arrive_depart_record_visits(make_ticket, hotline_api, tech_api, tech):
    # given
    ticket = _assigned(make_ticket, hotline_api, tech)
    # when
    scheduled = act(tech_api, ticket, "schedule_visit", at="2026-11-24T09:30:00+08:00")
    arrived = act(tech_api, ticket, "arrive")
    departed = act(tech_api, ticket, "depart", outcome="revisit", note="缺配件")
    # then
    assert scheduled.json()["status"] == "scheduled"
    assert arrived.json()["status"] == "on_site"
    assert arrived.json()["onsite_started_at"] == "2026-11-23T10:00:00+08:00"
    assert arrived.json()["sla"]["onsite"]["met_at"] == "2026-11-23T10:00:00+08:00"
    body = departed.json()
    assert body["status"] == "assigned"
    assert body["visits"] == [{
        "trip_no": 1, "engineer": tech.pk, "engineer_name": "王工",
        "scheduled_at": "2026-11-24T09:30:00+08:00", "arrived_at": "2026-11-23T10:00:00+08:00",
        "departed_at": "2026-11-23T10:00:00+08:00", "outcome": "revisit"}]
    assert body["events"][-1]["data"] == {"trip_no": 1, "outcome": "revisit", "trips": 1}


def test_schedule_in_the_past_is_refused(make_ticket, hotline_api, tech_api, tech):
    ticket = _assigned(make_ticket, hotline_api, tech)
    before = snapshot(ticket)
    response = act(tech_api, ticket, "schedule_visit", at="2026-11-22T09:30:00+08:00")
    assert (response.status_code, response.json()["error"]["field"]) == (422, "at")
    assert snapshot(ticket) == before


def test_depart_without_a_visit_in_progress(make_ticket, hotline_api, boss_api, tech):
    ticket = _assigned(make_ticket, hotline_api, tech)
    ticket.refresh_from_db()
    # diagnosed without a visit (remote diagnosis), then a depart has nothing to end
    act(boss_api, ticket, "diagnose", fault_code=_fault().code)
    response = act(boss_api, ticket, "depart", outcome="fixed")
    assert (response.status_code, error_code(response)) == (409, "no_open_visit")


def _fault():
    from tests.factories import FaultCodeFactory
    return FaultCodeFactory(code="F-SCR", name="屏幕故障")


def test_fourth_visit_needs_a_manager(make_ticket, hotline_api, tech_api, boss_api, tech):
    # given three trips for the same fault
    ticket = _assigned(make_ticket, hotline_api, tech)
    for _ in range(3):
        assert act(tech_api, ticket, "arrive").status_code == 200
        assert act(tech_api, ticket, "depart", outcome="revisit").status_code == 200
    before = snapshot(ticket)
    # when the engineer checks in a 4th time
    refused = act(tech_api, ticket, "arrive")
    # then
    assert (refused.status_code, error_code(refused)) == (409, "visit_limit")
    assert snapshot(ticket) == before
    # when the manager approves one more visit
    approved = act(boss_api, ticket, "approve_visit")
    fourth = act(tech_api, ticket, "arrive")
    assert approved.status_code == 200
    assert (fourth.status_code, fourth.json()["visits"][-1]["trip_no"]) == (200, 4)


def test_the_engineer_asks_for_a_fourth_visit_and_the_manager_is_alerted_once(
        make_ticket, hotline_api, tech_api, boss_api, tech):
    from aftersales.notifications.models import Alert

    # given a ticket whose next visit is within the limit
    ticket = _assigned(make_ticket, hotline_api, tech)
    before = snapshot(ticket)
    early = act(tech_api, ticket, "request_visit", reason="还要再去一次")
    # then asking is refused and changes nothing
    assert (early.status_code, error_code(early)) == (409, "visit_within_limit")
    assert snapshot(ticket) == before
    assert not Alert.objects.filter(kind=Alert.Kind.VISIT_APPROVAL).exists()
    # given three trips for the same fault
    for _ in range(3):
        assert act(tech_api, ticket, "arrive").status_code == 200
        assert act(tech_api, ticket, "depart", outcome="revisit").status_code == 200
    # a request without a reason is refused on its field
    blank = act(tech_api, ticket, "request_visit", reason=" ")
    assert (blank.status_code, blank.json()["error"]["field"]) == (422, "reason")
    # when the engineer asks twice for the fourth visit
    for _ in range(2):
        assert act(tech_api, ticket, "request_visit", reason="主板需返厂后再上门").status_code == 200
    # then one alert waits for the point's managers, with the trip and the reason
    alert = Alert.objects.get(kind=Alert.Kind.VISIT_APPROVAL)
    ticket.refresh_from_db()
    assert (alert.ticket_id, alert.key, alert.for_role, alert.acknowledged_at) == (
        ticket.pk, "4", Alert.Role.MANAGER, None)
    assert ticket.number in alert.message and "主板需返厂后再上门" in alert.message
    assert TicketEvent.objects.filter(ticket=ticket, action="request_visit").count() == 2
    # when the manager allows it, the alert is closed by that and the fourth trip starts
    assert act(boss_api, ticket, "approve_visit").status_code == 200
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by.role == "manager"
    fourth = act(tech_api, ticket, "arrive")
    assert (fourth.status_code, fourth.json()["visits"][-1]["trip_no"]) == (200, 4)


def test_approve_visit_is_a_managers(make_ticket, hotline_api, tech):
    ticket = _assigned(make_ticket, hotline_api, tech)
    response = act(hotline_api, ticket, "approve_visit")
    assert response.status_code == 403


def test_hold_and_resume_pause_the_clocks(make_ticket, hotline_api, tech, frozen):
    # given an urgent on-site ticket, on site due at 16:00 Shanghai
    ticket = _assigned(make_ticket, hotline_api, tech, priority="urgent")
    assert ticket.onsite_due == NOW + timedelta(hours=6)
    # when it waits 2 hours for the customer
    held = act(hotline_api, ticket, "hold", reason="customer")
    frozen.move_to(NOW + timedelta(hours=2))
    resumed = act(hotline_api, ticket, "resume")
    # then
    assert held.json()["status"] == "on_hold"
    assert held.json()["sla"]["onsite"]["due"] is None
    assert held.json()["sla"]["onsite"]["paused"] is True
    assert resumed.json()["status"] == "assigned"
    assert resumed.json()["sla"]["onsite_by"] == "2026-11-23T18:00:00+08:00"
    assert resumed.json()["events"][-1]["data"] == {"reason": "customer",
                                                    "paused_minutes": 120}


def test_hold_needs_a_known_reason(make_ticket, hotline_api):
    ticket = make_ticket()
    response = act(hotline_api, ticket, "hold", reason="weather")
    assert (response.status_code, response.json()["error"]["field"]) == (422, "reason")
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_escalate_records_the_time(make_ticket, hotline_api):
    ticket = make_ticket(mode="remote")
    response = act(hotline_api, ticket, "escalate", reason="电话未解决")
    body = response.json()
    assert (body["status"], body["escalated_at"]) == ("new", "2026-11-23T10:00:00+08:00")
    assert body["sla"]["escalate"] == {"due": "2026-11-23T14:00:00+08:00",
                                       "met_at": "2026-11-23T10:00:00+08:00",
                                       "breached": False, "paused": False}


def test_complaint_report(make_ticket, hotline_api, boss, boss_api):
    # given a complaint ticket
    ticket = make_ticket(kind="complaint", mode="remote")
    # when
    response = boss_api.patch(f"/tickets/{ticket.pk}/complaint", {
        "cause": "工程师迟到", "handling": "致歉并减免上门费", "result": "客户接受",
        "owner": boss.pk})
    # then
    assert response.status_code == 200
    assert response.json() == {"cause": "工程师迟到", "handling": "致歉并减免上门费",
                               "result": "客户接受", "owner": boss.pk,
                               "owner_name": boss.name}
    detail = hotline_api.get(f"/tickets/{ticket.pk}").json()
    assert detail["complaint"]["result"] == "客户接受"
    assert detail["events"][-1]["action"] == "complaint_report"


def test_complaint_report_only_on_complaints(make_ticket, boss_api):
    ticket = make_ticket()
    response = boss_api.patch(f"/tickets/{ticket.pk}/complaint", {"cause": "x"})
    assert (response.status_code, error_code(response)) == (409, "not_a_complaint")


def test_product_feedback_goes_to_rd(make_ticket, tech_api, hotline_api, tech):
    ticket = _assigned(make_ticket, hotline_api, tech)
    response = tech_api.post(f"/tickets/{ticket.pk}/feedback", {
        "title": "X9 屏幕排线易断", "description": "本月第三例", "suggestion": "加固排线"})
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["product_model"]) == (
        "PF202611-0001", "sent", "X9")
    listed = hotline_api.get("/product-feedback").json()
    assert [f["number"] for f in listed["items"]] == ["PF202611-0001"]


def test_assign_while_on_hold_resumes_as_assigned(make_ticket, hotline_api, tech):
    ticket = make_ticket()
    act(hotline_api, ticket, "hold", reason="customer")
    held = act(hotline_api, ticket, "assign", engineer=tech.pk).json()
    resumed = act(hotline_api, ticket, "resume").json()
    assert (held["status"], held["engineer"]) == ("on_hold", tech.pk)
    assert resumed["status"] == "assigned"


def test_every_action_is_in_the_openapi(anon_api):
    schema = anon_api.get("/openapi.json").json()
    for name in ACTIONS:  # each action its own operation with its own input schema
        operation = schema["paths"][f"/api/v1/tickets/{{ticket_id}}/actions/{name}"]["post"]
        assert operation["operationId"] == f"ticket_action_{name}"
        assert "requestBody" in operation
    assert {"respond", "assign", "schedule_visit", "arrive", "depart", "receive", "ship_back",
            "diagnose", "quote", "approve_quote", "reject_quote", "use_part", "hold",
            "resume", "escalate", "resolve", "sign_off", "refuse_payment", "callback",
            "close", "cancel", "reopen"} <= set(ACTIONS)
    for path in ("/api/v1/tickets", "/api/v1/tickets/{ticket_id}",
                 "/api/v1/tickets/{ticket_id}/suggestions",
                 "/api/v1/tickets/{ticket_id}/complaint", "/api/v1/tickets/{ticket_id}/feedback"):
        assert path in schema["paths"]


FULL_FIELDS = {"note": "n", "at": "2026-11-30T09:00:00+08:00", "outcome": "fixed",
               "condition": "ok", "carrier": "顺丰", "fault_code": "F-SCR", "findings": "x",
               "sku": "SCR-X9", "qty": 1, "reason": "customer", "resolution": "done",
               "signed_by": "刘先生", "satisfaction": 5, "minutes": 10, "trip_no": 1,
               "amount": "1.00", "method": "cash"}


@pytest.mark.parametrize("action", sorted(a for a, rule in SPECS.items()
                                           if "closed" not in rule.sources))
def test_every_action_not_allowed_on_a_closed_ticket_is_refused(make_ticket, admin_api,
                                                                 tech, action):
    # given a closed ticket (an administrator, so no role rule is what refuses)
    _fault()
    ticket = make_ticket(mode="remote")
    for step, fields in (("assign", {"engineer": tech.pk}), ("resolve", {}), ("close", {})):
        assert act(admin_api, ticket, step, **fields).status_code == 200
    before = snapshot(ticket)
    # when
    response = act(admin_api, ticket, action, engineer=tech.pk, **FULL_FIELDS)
    # then
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")
    assert snapshot(ticket) == before
