"""Requisitions: a service point asks HQ for parts; approved at once within the limits,
otherwise by a keeper or manager of HQ; ship (in transit) and receive; refused when the
receiving point would hold more than its credit (deposit × leverage)."""
import pytest

from aftersales.inventory.models import Requisition, RequisitionPolicy, StockLevel, StockMove


@pytest.fixture
def hq_stocked(hq_store, screen, stock):
    stock(hq_store, screen, 200)
    return hq_store


def ask(api, source, target, *lines):
    return api.post("/requisitions", {"from_warehouse": source.pk, "to_warehouse": target.pk,
                                      "lines": [{"sku": s, "qty": q} for s, q in lines]})


def level(warehouse, part):
    return StockLevel.objects.filter(warehouse=warehouse, part=part).values_list(
        "on_hand", "in_transit").first()


def test_within_the_limits_it_is_approved_at_once(branch_keeper_api, hq_stocked, branch_store,
                                                  screen):
    # when: 10 × 100.00 = 1,000.00, at most 10 per line and 2,000.00 in all
    answer = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 10))
    # then
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["amount"], body["auto_approved"]) == ("approved", "1000.00",
                                                                       True)
    assert body["lines"] == [{"sku": "SCR-X9", "qty": 10, "unit_cost": "100.00"}]


def test_a_line_above_the_quantity_limit_waits(branch_keeper_api, hq_stocked, branch_store):
    # when: 11 > 10 per line, although 1,100.00 is within the amount
    answer = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 11))
    # then
    assert answer.status_code == 201
    assert (answer.json()["status"], answer.json()["auto_approved"]) == ("pending", False)
    assert Requisition.objects.get().decided_at is None


def test_an_amount_above_the_limit_waits(branch_keeper_api, hq_stocked, branch_store,
                                         part_factory):
    # given
    part_factory(sku="BAT-1", cost="20.01")
    # when: 10 × 100.00 + 10 × 20.01 = 1,200.10 is fine; 1,000.00 + 1,000.50 is not
    fine = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 10), ("BAT-1", 10))
    above = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 10), ("BAT-1", 50))
    # then
    assert (fine.json()["status"], fine.json()["amount"]) == ("approved", "1200.10")
    assert (above.json()["status"], above.json()["amount"]) == ("pending", "2000.50")


def test_the_limits_are_configuration(branch_keeper_api, hq_stocked, branch_store):
    # given
    RequisitionPolicy.objects.update(max_line_qty=5)
    # when
    answer = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 6))
    # then
    assert answer.json()["status"] == "pending"


def test_over_the_credit_limit_is_refused(branch_keeper_api, hq_stocked, branch_store, screen,
                                          stock):
    # given: deposit 5,000.00 × 2 = 10,000.00; the point already holds 9,500.00
    stock(branch_store, screen, 95)
    # when
    refused = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 6))
    fits = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 5))
    # then
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "deposit_exceeded"
    assert fits.status_code == 201
    assert Requisition.objects.count() == 1


def test_in_transit_counts_against_the_credit(branch_keeper_api, keeper_api, hq_stocked,
                                              branch_store, screen, stock):
    # given: 9,000.00 on hand, then 1,000.00 shipped (in transit): the limit is reached
    stock(branch_store, screen, 90)
    first = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 10)).json()
    assert keeper_api.post(f"/requisitions/{first['id']}/ship").status_code == 200
    # when
    refused = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 1))
    # then
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "deposit_exceeded"


def test_approve_ship_receive(branch_keeper_api, keeper_api, hq_stocked, branch_store, screen):
    # given
    req = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 20)).json()
    assert req["status"] == "pending"
    # when / then: the asking point cannot approve its own request
    own = branch_keeper_api.post(f"/requisitions/{req['id']}/approve")
    assert own.status_code == 403
    # when
    approved = keeper_api.post(f"/requisitions/{req['id']}/approve")
    shipped = keeper_api.post(f"/requisitions/{req['id']}/ship")
    # then
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped")
    assert level(hq_stocked, screen) == (180, 0)
    assert level(branch_store, screen) == (0, 20)
    # when
    received = branch_keeper_api.post(f"/requisitions/{req['id']}/receive")
    # then
    assert (received.status_code, received.json()["status"]) == (200, "received")
    assert level(branch_store, screen) == (20, 0)
    assert list(StockMove.objects.filter(requisition_id=req["id"]).order_by("id")
                .values_list("warehouse__code", "kind", "qty")) == [
        ("HQ-01", "transfer_out", -20), ("SJZ-01", "transfer_in", 20)]


def test_cannot_ship_a_pending_or_receive_twice(branch_keeper_api, keeper_api, hq_stocked,
                                                branch_store, screen):
    # given
    pending = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 20)).json()
    quick = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 1)).json()
    keeper_api.post(f"/requisitions/{quick['id']}/ship")
    branch_keeper_api.post(f"/requisitions/{quick['id']}/receive")
    # when
    ship_pending = keeper_api.post(f"/requisitions/{pending['id']}/ship")
    again = branch_keeper_api.post(f"/requisitions/{quick['id']}/receive")
    # then
    assert ship_pending.status_code == 409
    assert ship_pending.json()["error"]["code"] == "invalid_transition"
    assert again.status_code == 409
    assert level(branch_store, screen) == (1, 0)


def test_shipping_more_than_hq_holds_is_refused_whole(branch_keeper_api, keeper_api, hq_store,
                                                      branch_store, screen, stock,
                                                      part_factory):
    # given
    battery = part_factory(sku="BAT-1", cost="20.00")
    stock(hq_store, screen, 2)
    stock(hq_store, battery, 10)
    req = ask(branch_keeper_api, hq_store, branch_store, ("BAT-1", 5), ("SCR-X9", 3)).json()
    # when
    answer = keeper_api.post(f"/requisitions/{req['id']}/ship")
    # then
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "insufficient_stock"
    assert (level(hq_store, screen), level(hq_store, battery)) == ((2, 0), (10, 0))
    assert StockMove.objects.filter(requisition_id=req["id"]).count() == 0
    assert Requisition.objects.get(pk=req["id"]).status == "approved"


def test_reject(branch_keeper_api, keeper_api, hq_stocked, branch_store):
    # given
    req = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 20)).json()
    # when
    answer = keeper_api.post(f"/requisitions/{req['id']}/reject", {"reason": "库存紧张"})
    # then
    assert (answer.json()["status"], answer.json()["reject_reason"]) == ("rejected", "库存紧张")


def test_another_point_does_not_see_it(branch_keeper_api, api_for, user_factory, other_branch,
                                       hq_stocked, branch_store):
    # given
    req = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 1)).json()
    stranger = api_for(user_factory(username="bj-keeper", role="warehouse",
                                    service_point=other_branch))
    # when / then
    assert stranger.get(f"/requisitions/{req['id']}").status_code == 404
    assert stranger.get("/requisitions").json()["items"] == []
    assert stranger.post(f"/requisitions/{req['id']}/ship").status_code == 404


def test_bad_lines_name_the_field(branch_keeper_api, hq_stocked, branch_store):
    cases = [([], "lines"), ([("NOPE", 1)], "lines.0.sku"), ([("SCR-X9", 0)], "lines.0.qty"),
             ([("SCR-X9", 1), ("SCR-X9", 2)], "lines.1.sku")]
    for lines, field in cases:
        answer = ask(branch_keeper_api, hq_stocked, branch_store, *lines)
        assert answer.status_code == 422, lines
        assert answer.json()["error"]["field"] == field
    assert Requisition.objects.count() == 0


def test_credit_is_checked_again_on_approval(branch_keeper_api, keeper_api, hq_stocked,
                                             branch_store, screen, stock):
    # given: 2,000.00 asked while the point holds nothing; then it receives 8,500.00
    req = ask(branch_keeper_api, hq_stocked, branch_store, ("SCR-X9", 20)).json()
    stock(branch_store, screen, 85)
    # when
    answer = keeper_api.post(f"/requisitions/{req['id']}/approve")
    # then
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "deposit_exceeded")
    assert Requisition.objects.get(pk=req["id"]).status == "pending"


def test_requisition_list_costs_a_fixed_number_of_queries(branch_keeper_api, hq_stocked,
                                                          branch_store, part_factory,
                                                          django_assert_num_queries):
    # given
    for i in range(4):
        part_factory(sku=f"P-{i}", cost="1.00")
        ask(branch_keeper_api, hq_stocked, branch_store, (f"P-{i}", 1), ("SCR-X9", 1))
    # when / then: auth, the page, its lines with their parts
    with django_assert_num_queries(3):
        answer = branch_keeper_api.get("/requisitions")
    assert [len(r["lines"]) for r in answer.json()["items"]] == [2, 2, 2, 2]
