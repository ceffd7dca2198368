"""The console shows exactly the actions the service accepts: for every ticket status ×
service mode × role (and with and without the facts an action needs: the unit in custody,
a visit in progress, a callback due), each action is offered on the ticket page if and only
if the guard lets it through, and the service, called with valid input in a savepoint that
is rolled back, refuses a not-offered action with the guard's very refusal and never refuses
an offered one with a guard code."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import RequestFactory

from aftersales.core.errors import DomainError
from aftersales.tickets import actions, selectors, services
from aftersales.tickets.errors import GUARD_CODES
from aftersales.tickets.models import Custody, FollowUp, Ticket, Visit
from aftersales.tickets.views import actions_for
from tests.conftest import ApiClient
from tests.factories import FaultCodeFactory, UserFactory

from .factories import open_test_ticket

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
S = Ticket.Status
BEYOND_RESPONSE = {S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED, S.AWAITING_APPROVAL,
                   S.IN_REPAIR, S.ON_HOLD, S.RESOLVED, S.CLOSED, S.CANCELLED}
VISIT_IN_PROGRESS = {S.ON_SITE, S.DIAGNOSED, S.AWAITING_APPROVAL, S.IN_REPAIR}


class _Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _input(action: str, *, engineer_id: int) -> dict:
    return {
        "assign": {"engineer": engineer_id},
        "schedule_visit": {"at": (NOW + timedelta(days=1)).isoformat()},
        "depart": {"outcome": "fixed"},
        "diagnose": {"fault_code": "F-GRD"},
        "quote": {"lines": [{"kind": "labour", "description": "检测", "unit_price": "50.00"}]},
        "use_part": {"sku": "NOPE", "qty": 1},
        "hold": {"reason": "customer"},
        "sign_off": {"signed_by": "刘先生"},
        "callback": {"satisfaction": 5},
        "notify_late": {"minutes": 10},
        "take_away": {"condition": "外壳完好"},
        "exchange": {"new_serial": "SN-GRD-NEW"},
        "return_unit": {"amount": "100.00", "method": "cash"},
        "mark_misdiagnosis": {"trip_no": 1},
    }.get(action, {})


def _place(ticket: Ticket, *, status: str, engineer, facts: bool) -> None:
    """Put the intake's ticket into `status` (the state space is the subject here)."""
    beyond = status in BEYOND_RESPONSE
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status, engineer=engineer if beyond else None,
        status_before_hold=S.ASSIGNED if status == S.ON_HOLD else "",
        resolved_at=NOW if status in (S.RESOLVED, S.CLOSED) else None)
    if not facts:
        return
    if ticket.mode == Ticket.Mode.SEND_IN and status != S.NEW:
        Custody.objects.create(ticket=ticket, label=f"CU-{ticket.pk}", received_at=NOW)
    if ticket.mode != Ticket.Mode.SEND_IN and status in VISIT_IN_PROGRESS:
        Visit.objects.create(ticket=ticket, trip_no=1, engineer=engineer,
                             arrived_at=NOW - timedelta(hours=1))
    if status in (S.RESOLVED, S.CLOSED):
        FollowUp.objects.create(ticket=ticket, due_at=NOW + timedelta(hours=24))


def _service_outcome(*, actor, ticket_id: int, action: str, engineer_id: int):
    """What the service answers, with everything it wrote rolled back."""
    outcome = None
    try:
        with transaction.atomic():
            ticket = Ticket.objects.get(pk=ticket_id)
            try:
                services.perform(actor=actor, ticket=ticket, action=action,
                                 data=actions.parse(action, _input(action,
                                                                   engineer_id=engineer_id)))
            except DomainError as exc:
                outcome = exc
            raise _Rollback
    except _Rollback:
        pass
    return outcome


@pytest.mark.parametrize("facts", [True, False], ids=["with-facts", "bare"])
@pytest.mark.parametrize("mode", Ticket.Mode.values)
@pytest.mark.parametrize("status", Ticket.Status.values)
def test_the_console_offers_exactly_what_the_service_accepts(
        status, mode, facts, point, customer, device, hotline, boss, tech, other_tech):
    # given a ticket in `status` and staff of every role at its service point
    FaultCodeFactory(code="F-GRD")
    people = {
        "admin": UserFactory(username="adm", role="admin", service_point=None),
        "manager": boss, "agent": hotline, "engineer_own": tech, "engineer_other": other_tech,
        "warehouse": UserFactory(username="wh", role="warehouse", service_point=point),
        "finance": UserFactory(username="fin", role="finance", service_point=point),
    }
    ticket = open_test_ticket(actor=hotline, customer=customer, device=device, mode=mode)
    _place(ticket, status=status, engineer=tech, facts=facts)
    request = RequestFactory().get("/")
    mismatches = []
    for role, person in people.items():
        request.user = person
        page = selectors.access_ticket(actor=person, ticket_id=ticket.pk)
        offered = set(actions_for(person, page))
        for action in actions.ACTIONS:
            guard = actions.refusal(page, action, person)
            # when the service is asked to run it
            outcome = _service_outcome(actor=person, ticket_id=ticket.pk, action=action,
                                       engineer_id=other_tech.pk)
            # then: offered <=> the guard lets it through <=> no guard refusal
            if (action in offered) != (guard is None):
                mismatches.append((role, action, "offered", action in offered, guard))
            if guard is None and outcome is not None and outcome.code in GUARD_CODES:
                mismatches.append((role, action, "offered but refused", outcome.code))
            if guard is not None and (outcome is None or outcome.code != guard.code):
                mismatches.append((role, action, "not offered but", getattr(outcome, "code",
                                                                           "accepted")))
    assert mismatches == []


def test_a_send_in_ticket_never_offers_a_visit(point, customer, device, hotline, boss, tech):
    # given an assigned send-in ticket with the unit at the bench
    ticket = open_test_ticket(actor=hotline, customer=customer, device=device, mode="send_in")
    _place(ticket, status=S.ASSIGNED, engineer=tech, facts=True)
    page = selectors.access_ticket(actor=boss, ticket_id=ticket.pk)
    # when the manager opens it / then no visit action is there
    offered = actions_for(boss, page)
    assert {"schedule_visit", "arrive", "depart", "approve_visit"} & set(offered) == set()
    assert "diagnose" in offered


def test_the_api_lists_the_same_actions_as_the_page(point, customer, device, hotline, tech):
    # given an assigned on-site ticket with a visit in progress
    ticket = open_test_ticket(actor=hotline, customer=customer, device=device)
    _place(ticket, status=S.ON_SITE, engineer=tech, facts=True)
    page = selectors.access_ticket(actor=tech, ticket_id=ticket.pk)
    # when the engineer reads it through the API / then the same actions, in the spec's order
    detail = ApiClient(tech).get(f"/tickets/{ticket.pk}").json()
    assert detail["actions"] == actions.available(page, tech)
    assert set(detail["actions"]) == set(actions_for(tech, page))
    assert "depart" in detail["actions"] and "assign" not in detail["actions"]
    # and the agent's list row leaves out the reassignment an agent may not make
    row = ApiClient(hotline).get("/tickets").json()["items"][0]
    assert "assign" not in row["actions"] and "cancel" in row["actions"]
