"""Parts on tickets: issue_to_ticket and return_ticket_parts (the contract with the tickets
app), and the faulty part that goes back to HQ with the ticket's fault code."""
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.inventory import services
from aftersales.inventory.models import FaultyPartReturn, StockLevel, StockMove

from .factories import WarehouseFactory, make_ticket


def on_hand(warehouse, part):
    return StockLevel.objects.get(warehouse=warehouse, part=part).on_hand


@pytest.fixture
def ticket(branch, branch_engineer, fault_code_factory):
    return make_ticket(number="SR20261123-0001", service_point=branch, engineer=branch_engineer,
                       fault_code=fault_code_factory(code="F-SCR"))


def test_issue_from_the_point_store(branch_engineer, ticket, branch_store, screen, stock):
    # given
    stock(branch_store, screen, 3)
    # when
    move = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=2)
    # then
    assert (move.kind, move.qty, move.warehouse, move.ticket) == ("issue", -2, branch_store,
                                                                  ticket)
    assert move.unit_cost == Decimal("100.00")
    assert on_hand(branch_store, screen) == 1


def test_the_engineers_van_comes_first(branch, branch_engineer, ticket, branch_store, screen,
                                       stock):
    # given
    van = WarehouseFactory(code="VAN-1", service_point=branch, engineer=branch_engineer)
    stock(branch_store, screen, 5)
    stock(van, screen, 1)
    # when
    move = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    # then
    assert move.warehouse == van
    assert (on_hand(van, screen), on_hand(branch_store, screen)) == (0, 5)


def test_an_empty_van_falls_back_to_the_point_store(branch, branch_engineer, ticket,
                                                    branch_store, screen, stock):
    # given
    WarehouseFactory(code="VAN-1", service_point=branch, engineer=branch_engineer)
    stock(branch_store, screen, 2)
    # when
    move = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=2)
    # then
    assert move.warehouse == branch_store
    assert on_hand(branch_store, screen) == 0


def test_an_explicit_warehouse_by_id_or_code(branch_engineer, ticket, branch, screen, stock):
    # given
    side = WarehouseFactory(code="SJZ-02", service_point=branch)
    stock(side, screen, 2)
    # when
    by_id = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1,
                                     warehouse=side.pk)
    by_code = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9",
                                       qty=1, warehouse="SJZ-02")
    # then
    assert (by_id.warehouse, by_code.warehouse) == (side, side)
    assert on_hand(side, screen) == 0


def test_short_stock_is_refused_and_nothing_changes(branch_engineer, ticket, branch_store,
                                                    screen, stock):
    # given
    stock(branch_store, screen, 1)
    moves_before = StockMove.objects.count()
    # when
    with pytest.raises(Conflict) as refused:
        services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=2)
    # then
    assert refused.value.code == "insufficient_stock"
    assert on_hand(branch_store, screen) == 1
    assert StockMove.objects.count() == moves_before
    assert FaultyPartReturn.objects.count() == 0


@pytest.mark.parametrize(("args", "field"), [
    ({"sku": "NOPE", "qty": 1}, "sku"),
    ({"sku": "SCR-X9", "qty": 0}, "qty"),
    ({"sku": "SCR-X9", "qty": -3}, "qty"),
    ({"sku": "SCR-X9", "qty": "2"}, "qty"),
    ({"sku": "SCR-X9", "qty": 1, "warehouse": 999999}, "warehouse"),
    ({"sku": "SCR-X9", "qty": 1, "warehouse": "BJ-01"}, "warehouse"),
])
def test_bad_input_names_the_field(branch_engineer, ticket, branch_store, other_store, screen,
                                   stock, args, field):
    # given
    stock(branch_store, screen, 5)
    stock(other_store, screen, 5)
    # when
    with pytest.raises(ValidationFailed) as refused:
        services.issue_to_ticket(actor=branch_engineer, ticket=ticket, **args)
    # then
    assert refused.value.field == field
    assert on_hand(branch_store, screen) == 5
    assert on_hand(other_store, screen) == 5


def test_no_warehouse_at_all(admin_user, screen, customer_factory):
    # given
    ticket = make_ticket(number="SR20261123-0009")
    # when
    with pytest.raises(ValidationFailed) as refused:
        services.issue_to_ticket(actor=admin_user, ticket=ticket, sku="SCR-X9", qty=1)
    # then
    assert refused.value.field == "warehouse"


def test_the_faulty_part_goes_back_to_hq_with_the_fault_code(branch_engineer, ticket,
                                                             branch_store, hq_store, screen,
                                                             stock, keeper):
    # given
    stock(branch_store, screen, 1)
    # when
    move = services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    faulty = FaultyPartReturn.objects.get(ticket=ticket)
    shipped = services.ship_faulty_part(actor=branch_engineer, faulty=faulty)
    received = services.receive_faulty_part(actor=keeper, faulty=shipped,
                                            analysis="背光模组烧毁")
    # then
    assert (faulty.part, faulty.qty, faulty.fault_code.code) == (screen, 1, "F-SCR")
    assert (faulty.issue_move, faulty.from_warehouse, faulty.to_warehouse) == (
        move, branch_store, hq_store)
    assert (received.status, received.analysis, received.received_by) == (
        "received", "背光模组烧毁", keeper)


def test_cancel_returns_unused_parts_to_where_they_came_from(branch, branch_engineer, ticket,
                                                             branch_store, screen, stock,
                                                             part_factory):
    # given
    battery = part_factory(sku="BAT-1", cost="20.00")
    van = WarehouseFactory(code="VAN-1", service_point=branch, engineer=branch_engineer)
    stock(van, screen, 1)
    stock(branch_store, screen, 4)
    stock(branch_store, battery, 2)
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=3)
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="BAT-1", qty=2)
    # when
    returned = services.return_ticket_parts(actor=branch_engineer, ticket=ticket)
    again = services.return_ticket_parts(actor=branch_engineer, ticket=ticket)
    # then
    assert sorted((m.warehouse.code, m.part.sku, m.qty, m.kind) for m in returned) == [
        ("SJZ-01", "BAT-1", 2, "return"), ("SJZ-01", "SCR-X9", 3, "return"),
        ("VAN-1", "SCR-X9", 1, "return")]
    assert again == []
    assert (on_hand(van, screen), on_hand(branch_store, screen),
            on_hand(branch_store, battery)) == (1, 4, 2)
    assert set(FaultyPartReturn.objects.values_list("status", flat=True)) == {"cancelled"}


def test_parts_fitted_before_resolution_stay_on_the_ticket(branch_engineer, ticket,
                                                           branch_store, screen, stock):
    # given
    stock(branch_store, screen, 3)
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    ticket.resolved_at = timezone.now()
    ticket.save(update_fields=["resolved_at"])
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    # when
    returned = services.return_ticket_parts(actor=branch_engineer, ticket=ticket)
    # then
    assert [(m.qty, m.kind) for m in returned] == [(1, "return")]
    assert on_hand(branch_store, screen) == 2


def test_an_agent_may_not_issue(agent, ticket, branch_store, screen, stock):
    # given
    stock(branch_store, screen, 1)
    # when
    with pytest.raises(Exception) as refused:
        services.issue_to_ticket(actor=agent, ticket=ticket, sku="SCR-X9", qty=1)
    # then
    assert refused.value.code == "forbidden"
    assert on_hand(branch_store, screen) == 1


def test_use_part_then_cancel_through_the_tickets_api(api_for, manager, branch,
                                                      branch_engineer, branch_store, screen,
                                                      stock):
    # given
    ticket = make_ticket(number="SR20261123-0042", service_point=branch,
                         engineer=branch_engineer, status="in_repair")
    stock(branch_store, screen, 3)
    engineer_api = api_for(branch_engineer)
    # when
    used = engineer_api.post(f"/tickets/{ticket.pk}/actions/use_part",
                             {"sku": "SCR-X9", "qty": 2})
    short = engineer_api.post(f"/tickets/{ticket.pk}/actions/use_part",
                              {"sku": "SCR-X9", "qty": 2})
    # then
    assert used.status_code == 200
    assert (short.status_code, short.json()["error"]["code"]) == (409, "insufficient_stock")
    assert on_hand(branch_store, screen) == 1
    # when
    cancelled = api_for(manager).post(f"/tickets/{ticket.pk}/actions/cancel",
                                      {"reason": "客户撤销"})
    # then
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert on_hand(branch_store, screen) == 3
    assert list(StockMove.objects.filter(ticket=ticket).order_by("id")
                .values_list("kind", "qty")) == [("issue", -2), ("return", 2)]
