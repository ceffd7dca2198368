"""The parts endpoints: warehouses, receipts, the stock list (scoped by service point),
adjustments, transfers, stock counts and the ledger."""
from decimal import Decimal

from django.db.models import Sum

from aftersales.inventory.models import StockLevel, StockMove, Warehouse


def ledger_sum(warehouse, part):
    return StockMove.objects.filter(warehouse=warehouse, part=part).aggregate(s=Sum("qty"))["s"]


def test_create_warehouses_at_hq_and_a_point(admin_api, hq, branch):
    # when
    central = admin_api.post("/warehouses", {"code": "HQ-01", "name": "总部中心库",
                                             "service_point": hq.pk})
    local = admin_api.post("/warehouses", {"code": "SJZ-01", "name": "石家庄库",
                                           "service_point": branch.pk})
    # then
    assert central.status_code == 201
    assert local.status_code == 201
    assert local.json() == {"id": local.json()["id"], "code": "SJZ-01", "name": "石家庄库",
                            "service_point": branch.pk, "engineer": None, "active": True}


def test_duplicate_warehouse_code_is_a_conflict(admin_api, branch_store, branch):
    # when
    answer = admin_api.post("/warehouses", {"code": "SJZ-01", "name": "x",
                                            "service_point": branch.pk})
    # then
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "duplicate_code"
    assert Warehouse.objects.filter(code="SJZ-01").count() == 1


def test_a_point_keeper_cannot_open_a_store_at_another_point(branch_keeper_api, other_branch):
    # when
    answer = branch_keeper_api.post("/warehouses", {"code": "BJ-09", "name": "x",
                                                    "service_point": other_branch.pk})
    # then
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "service_point"
    assert not Warehouse.objects.filter(code="BJ-09").exists()


def test_an_agent_may_not_open_a_store(agent_api, branch):
    answer = agent_api.post("/warehouses", {"code": "X-1", "name": "x",
                                            "service_point": branch.pk})
    assert answer.status_code == 403
    assert not Warehouse.objects.filter(code="X-1").exists()


def test_receipt_raises_on_hand_and_records_the_purchase_price(branch_keeper_api,
                                                               branch_store, screen):
    # when
    answer = branch_keeper_api.post("/stock/receipts", {"warehouse": branch_store.pk,
                                                        "sku": "SCR-X9", "qty": 5,
                                                        "unit_cost": "95.50"})
    # then
    assert answer.status_code == 201
    body = answer.json()
    assert (body["kind"], body["qty"], body["unit_cost"], body["on_hand"]) == (
        "receipt", 5, "95.50", 5)
    assert ledger_sum(branch_store, screen) == 5


def test_receipt_bad_input(branch_keeper_api, branch_store, other_store, screen):
    cases = [({"warehouse": branch_store.pk, "sku": "NOPE", "qty": 1}, "sku"),
             ({"warehouse": branch_store.pk, "sku": "SCR-X9", "qty": 0}, "qty"),
             ({"warehouse": other_store.pk, "sku": "SCR-X9", "qty": 1}, "warehouse"),
             ({"warehouse": branch_store.pk, "sku": "SCR-X9", "qty": 1, "unit_cost": "-1"},
              "unit_cost")]
    for body, field in cases:
        answer = branch_keeper_api.post("/stock/receipts", body)
        assert answer.status_code == 422, body
        assert answer.json()["error"]["field"] == field
    assert StockMove.objects.count() == 0


def test_stock_list_is_scoped_to_the_point(branch_keeper_api, admin_api, branch_store,
                                           other_store, screen, stock):
    # given
    stock(branch_store, screen, 3)
    stock(other_store, screen, 7)
    # when
    mine = branch_keeper_api.get("/stock").json()["items"]
    everything = admin_api.get("/stock", {"sku": "SCR-X9"}).json()["items"]
    foreign = branch_keeper_api.get("/stock", {"warehouse": other_store.pk})
    # then
    assert [(i["warehouse"], i["sku"], i["on_hand"], i["value"]) for i in mine] == [
        (branch_store.pk, "SCR-X9", 3, "300.00")]
    assert [(i["warehouse_code"], i["on_hand"]) for i in everything] == [("BJ-01", 7),
                                                                         ("SJZ-01", 3)]
    assert foreign.status_code == 404


def test_stock_list_costs_a_fixed_number_of_queries(admin_api, branch_store, stock,
                                                    part_factory, django_assert_num_queries):
    # given
    for i in range(5):
        stock(branch_store, part_factory(sku=f"P-{i}"), i + 1)
    # when / then: auth, the warehouse check, the page — however many rows
    with django_assert_num_queries(3):
        answer = admin_api.get("/stock", {"warehouse": branch_store.pk})
    assert len(answer.json()["items"]) == 5


def test_adjustment_cannot_go_below_zero(branch_keeper_api, branch_store, screen, stock):
    # given
    stock(branch_store, screen, 2)
    # when
    refused = branch_keeper_api.post("/stock/adjustments", {"warehouse": branch_store.pk,
                                                            "sku": "SCR-X9", "qty": -3,
                                                            "note": "破损"})
    booked = branch_keeper_api.post("/stock/adjustments", {"warehouse": branch_store.pk,
                                                           "sku": "SCR-X9", "qty": -2,
                                                           "note": "破损"})
    # then
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "insufficient_stock"
    assert booked.status_code == 201
    assert booked.json()["on_hand"] == 0
    assert ledger_sum(branch_store, screen) == 0


def test_transfer_to_an_engineers_van(branch_keeper_api, branch, branch_engineer,
                                      branch_store, screen, stock):
    # given
    van = Warehouse.objects.create(code="VAN-1", name="车载库", service_point=branch,
                                   engineer=branch_engineer)
    stock(branch_store, screen, 4)
    # when
    answer = branch_keeper_api.post("/stock/transfers", {
        "from_warehouse": branch_store.pk, "to_warehouse": van.pk, "sku": "SCR-X9", "qty": 3})
    too_much = branch_keeper_api.post("/stock/transfers", {
        "from_warehouse": branch_store.pk, "to_warehouse": van.pk, "sku": "SCR-X9", "qty": 2})
    # then
    assert answer.status_code == 201
    assert (answer.json()["out"]["qty"], answer.json()["into"]["qty"]) == (-3, 3)
    assert (answer.json()["out"]["on_hand"], answer.json()["into"]["on_hand"]) == (1, 3)
    assert too_much.status_code == 409
    assert (ledger_sum(branch_store, screen), ledger_sum(van, screen)) == (1, 3)


def test_stock_count_books_variances_as_adjustments(branch_keeper_api, branch_store, screen,
                                                    stock, part_factory):
    # given
    battery = part_factory(sku="BAT-1", cost="20.00")
    stock(branch_store, screen, 5)
    stock(branch_store, battery, 2)
    # when
    answer = branch_keeper_api.post("/stock/counts", {"warehouse": branch_store.pk, "lines": [
        {"sku": "SCR-X9", "counted": 3}, {"sku": "BAT-1", "counted": 2},
        {"sku": "P-NEW", "counted": 1}]})
    # then
    assert answer.status_code == 422  # unknown part named by its line
    assert answer.json()["error"]["field"] == "lines.2.sku"
    # when
    part_factory(sku="P-NEW")
    answer = branch_keeper_api.post("/stock/counts", {"warehouse": branch_store.pk, "lines": [
        {"sku": "SCR-X9", "counted": 3}, {"sku": "BAT-1", "counted": 2},
        {"sku": "P-NEW", "counted": 1}]})
    # then
    assert answer.status_code == 201
    assert [(ln["sku"], ln["expected"], ln["counted"], ln["variance"])
            for ln in answer.json()["lines"]] == [("SCR-X9", 5, 3, -2), ("BAT-1", 2, 2, 0),
                                                  ("P-NEW", 0, 1, 1)]
    assert list(StockMove.objects.filter(kind="count").order_by("id")
                .values_list("part__sku", "qty")) == [("SCR-X9", -2), ("P-NEW", 1)]
    assert StockLevel.objects.get(warehouse=branch_store, part=screen).on_hand == 3
    assert ledger_sum(branch_store, screen) == 3


def test_only_keepers_count(api_for, branch_engineer, branch_store, screen, stock):
    # given
    stock(branch_store, screen, 5)
    # when
    answer = api_for(branch_engineer).post("/stock/counts", {
        "warehouse": branch_store.pk, "lines": [{"sku": "SCR-X9", "counted": 0}]})
    # then
    assert answer.status_code == 403
    assert StockLevel.objects.get(warehouse=branch_store, part=screen).on_hand == 5


def test_valuation_at_the_parts_cost(admin_api, branch, branch_store, screen, stock,
                                     part_factory):
    # given
    battery = part_factory(sku="BAT-1", cost="20.00")
    stock(branch_store, screen, 2)
    stock(branch_store, battery, 3)
    # when
    body = admin_api.get("/stock/valuation", {"warehouse": branch_store.pk}).json()
    point = admin_api.get(f"/service-points/{branch.pk}").json()
    # then
    assert body["total"] == "260.00"
    assert [(i["sku"], i["value"]) for i in body["items"]] == [("BAT-1", "60.00"),
                                                               ("SCR-X9", "200.00")]
    assert point["stock_value"] == "260.00"
    assert Decimal(point["credit_limit"]) == Decimal("10000.00")


def test_warehouses_are_scoped_to_the_point(branch_keeper_api, branch_store, other_store,
                                            hq_store):
    # when
    listed = branch_keeper_api.get("/warehouses").json()["items"]
    foreign = branch_keeper_api.get(f"/warehouses/{other_store.pk}")
    own = branch_keeper_api.get(f"/warehouses/{branch_store.pk}")
    # then
    assert [w["code"] for w in listed] == ["SJZ-01"]
    assert foreign.status_code == 404
    assert own.json()["code"] == "SJZ-01"


def test_a_point_keeper_cannot_move_another_points_stock(branch_keeper_api, other_store,
                                                         branch_store, screen, stock):
    # given
    stock(other_store, screen, 4)
    # when
    adjust = branch_keeper_api.post("/stock/adjustments", {"warehouse": other_store.pk,
                                                           "sku": "SCR-X9", "qty": -1,
                                                           "note": "x"})
    transfer = branch_keeper_api.post("/stock/transfers", {
        "from_warehouse": other_store.pk, "to_warehouse": branch_store.pk, "sku": "SCR-X9",
        "qty": 1})
    # then
    assert (adjust.status_code, adjust.json()["error"]["field"]) == (422, "warehouse")
    assert (transfer.status_code, transfer.json()["error"]["field"]) == (422, "from_warehouse")
    assert StockLevel.objects.get(warehouse=other_store, part=screen).on_hand == 4
