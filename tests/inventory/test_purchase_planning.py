"""Planning: reorder point and quantity per part and store, reorder alerts, and a purchase
plan suggested from the last 90 days' consumption, on hand and in transit."""
from datetime import UTC, datetime, timedelta

import time_machine
from hypothesis import given
from hypothesis import strategies as st

from aftersales.inventory import planning, services
from aftersales.inventory.models import RequisitionPolicy

from .factories import make_ticket


def test_below_the_reorder_point_alerts_and_refills():
    decision = planning.suggest(planning.Position(on_hand=2, in_transit=1, reorder_point=3,
                                                  reorder_qty=10, consumed=0))
    assert decision == planning.Suggestion(available=3, target=13, alert=True,
                                           suggested_qty=10)


def test_above_the_reorder_point_nothing():
    decision = planning.suggest(planning.Position(on_hand=4, in_transit=0, reorder_point=3,
                                                  reorder_qty=10, consumed=2))
    assert (decision.alert, decision.suggested_qty) == (False, 0)


def test_demand_larger_than_the_refill_target_wins():
    decision = planning.suggest(planning.Position(on_hand=1, in_transit=0, reorder_point=3,
                                                  reorder_qty=5, consumed=30))
    assert (decision.alert, decision.target, decision.suggested_qty) == (True, 30, 29)


def test_no_reorder_point_but_short_of_last_periods_demand():
    decision = planning.suggest(planning.Position(on_hand=2, in_transit=3, reorder_point=0,
                                                  reorder_qty=0, consumed=12))
    assert (decision.alert, decision.suggested_qty) == (True, 7)


@given(on_hand=st.integers(0, 500), in_transit=st.integers(0, 500),
       point=st.integers(0, 200), qty=st.integers(0, 200), consumed=st.integers(0, 1000))
def test_a_suggestion_never_overshoots_the_target(on_hand, in_transit, point, qty, consumed):
    d = planning.suggest(planning.Position(on_hand=on_hand, in_transit=in_transit,
                                           reorder_point=point, reorder_qty=qty,
                                           consumed=consumed))
    assert d.suggested_qty >= 0
    assert d.suggested_qty == 0 or d.available + d.suggested_qty == d.target
    if point > 0 and d.available <= point:
        assert d.alert


def test_purchase_plan_from_the_ledger(branch_keeper_api, branch, branch_engineer,
                                       branch_store, screen, stock, part_factory,
                                       branch_keeper):
    # given: 12 screens issued 100 days ago (outside the window), 6 within it, 1 returned
    battery = part_factory(sku="BAT-1", cost="20.00")
    stock(branch_store, screen, 30)
    stock(branch_store, battery, 8)
    ticket = make_ticket(number="SR20260801-0001", service_point=branch,
                         engineer=branch_engineer)
    cancelled = make_ticket(number="SR20261101-0001", service_point=branch,
                            engineer=branch_engineer)
    with time_machine.travel(datetime(2026, 8, 15, 2, tzinfo=UTC)):
        services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=12)
    with time_machine.travel(datetime(2026, 11, 1, 2, tzinfo=UTC)):
        services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=6)
        services.issue_to_ticket(actor=branch_engineer, ticket=cancelled, sku="SCR-X9", qty=1)
        services.return_ticket_parts(actor=branch_engineer, ticket=cancelled)
    services.set_reorder_levels(actor=branch_keeper, warehouse=branch_store, part=screen,
                                reorder_point=15, reorder_qty=10)
    services.set_reorder_levels(actor=branch_keeper, warehouse=branch_store, part=battery,
                                reorder_point=5, reorder_qty=20)
    # when
    with time_machine.travel(datetime(2026, 11, 23, 2, tzinfo=UTC)):
        body = branch_keeper_api.get("/stock/purchase-plan",
                                     {"warehouse": branch_store.pk}).json()
    # then: screens 12 on hand ≤ 15 → refill to 25; batteries 8 > 5 → nothing
    assert (body["days"], body["alerts"], body["amount"]) == (90, 1, "1300.00")
    assert [(i["sku"], i["on_hand"], i["consumed"], i["alert"], i["suggested_qty"])
            for i in body["items"]] == [("BAT-1", 8, 0, False, 0),
                                        ("SCR-X9", 12, 6, True, 13)]


def test_the_window_is_configuration(branch_keeper_api, branch, branch_engineer, branch_store,
                                     screen, stock):
    # given
    RequisitionPolicy.objects.update(planning_days=30)
    stock(branch_store, screen, 10)
    ticket = make_ticket(number="SR20261001-0001", service_point=branch,
                         engineer=branch_engineer)
    with time_machine.travel(datetime.now(UTC) - timedelta(days=45)):
        services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=4)
    # when
    body = branch_keeper_api.get("/stock/purchase-plan", {"warehouse": branch_store.pk}).json()
    # then
    assert (body["days"], body["items"][0]["consumed"]) == (30, 0)


def test_reorder_alerts_in_the_stock_list(branch_keeper_api, branch_store, screen, stock,
                                          part_factory, branch_keeper):
    # given
    battery = part_factory(sku="BAT-1")
    stock(branch_store, screen, 3)
    stock(branch_store, battery, 9)
    answer = branch_keeper_api.post("/stock/reorder-levels", {
        "warehouse": branch_store.pk, "sku": "SCR-X9", "reorder_point": 3, "reorder_qty": 5,
        "bin": "A-01"})
    services.set_reorder_levels(actor=branch_keeper, warehouse=branch_store, part=battery,
                                reorder_point=3, reorder_qty=5)
    # when
    alerts = branch_keeper_api.get("/stock", {"below_reorder": "true"}).json()["items"]
    # then
    assert (answer.status_code, answer.json()["bin"]) == (200, "A-01")
    assert [(i["sku"], i["on_hand"], i["reorder_point"]) for i in alerts] == [("SCR-X9", 3, 3)]


def test_another_points_plan_is_not_found(branch_keeper_api, other_store):
    answer = branch_keeper_api.get("/stock/purchase-plan", {"warehouse": other_store.pk})
    assert answer.status_code == 404
