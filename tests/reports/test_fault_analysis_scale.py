"""The monthly fault analysis as shaped for millions of tickets (issue 16): the same answer
for every reader's scope and the region filter, a fixed number of queries, and on
PostgreSQL plans that read the month's repairs and the installed base from indexes."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.catalog.models import SalesRecord
from aftersales.network.services import create_region, set_point_region
from aftersales.reports import selectors
from aftersales.tickets.models import Ticket
from aftersales.tickets.services import open_ticket

TZ = ZoneInfo("Asia/Shanghai")
IN_NOVEMBER = datetime(2026, 11, 10, 10, tzinfo=TZ)


def _repair(*, actor, device, fault, resolved_at=IN_NOVEMBER, kind="repair", point=None):
    ticket = open_ticket(actor=actor, customer=device.customer, device=device, channel="phone",
                         kind="repair", priority="normal", mode="onsite", summary="坏了",
                         fault_code=fault)
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=resolved_at, kind=kind,
        service_point=point or device.customer.service_point)
    return ticket


@pytest.fixture
def faults(admin_user, service_point_factory, user_factory, customer_factory, device_factory,
           product_model_factory, fault_code_factory):
    """Point A (region 北区) and point B (no region). Model A1: units at A and B, one bought
    after November, one without a purchase date; model B2: sales records (one after
    November, not counted). Repairs in November at both points, and tickets that must not
    count: a consultation, one unresolved, one resolved in October, one without a fault
    code."""
    a = service_point_factory(code="FA-A", name="甲站")
    b = service_point_factory(code="FA-B", name="乙站")
    north = create_region(actor=admin_user, code="N", name="北区")
    set_point_region(actor=admin_user, service_point=a, region=north)
    at_a, at_b = customer_factory(service_point=a), customer_factory(service_point=b)
    a1 = product_model_factory(code="A1", name="甲一")
    b2 = product_model_factory(code="B2", name="乙二")
    bought = date(2026, 6, 1)
    a1_at_a = [device_factory(model=a1, customer=at_a, purchase_date=bought) for _ in range(3)]
    a1_at_b = [device_factory(model=a1, customer=at_b, purchase_date=bought) for _ in range(2)]
    device_factory(model=a1, customer=at_a, purchase_date=date(2026, 12, 1))
    device_factory(model=a1, customer=at_a, purchase_date=None)
    b2_at_b = device_factory(model=b2, customer=at_b, purchase_date=bought)
    SalesRecord.objects.create(model=b2, month=date(2026, 3, 1), units=1000)
    SalesRecord.objects.create(model=b2, month=date(2026, 12, 1), units=500)
    screen = fault_code_factory(code="F-SCR", name="花屏", component="屏幕")
    battery = fault_code_factory(code="F-BAT", name="不充电", component="电池")
    boss = user_factory(username="fa_boss", role="manager")
    _repair(actor=boss, device=a1_at_a[0], fault=screen)
    _repair(actor=boss, device=a1_at_a[1], fault=screen, kind="exchange")
    _repair(actor=boss, device=a1_at_a[2], fault=battery, kind="return")
    _repair(actor=boss, device=a1_at_b[0], fault=screen)
    _repair(actor=boss, device=b2_at_b, fault=battery)
    _repair(actor=boss, device=a1_at_a[0], fault=battery, kind="consultation")
    _repair(actor=boss, device=a1_at_a[1], fault=battery, resolved_at=None)
    _repair(actor=boss, device=a1_at_b[1], fault=screen,
            resolved_at=datetime(2026, 10, 31, 23, 59, tzinfo=TZ))
    _repair(actor=boss, device=a1_at_b[1], fault=None)
    return {"boss": boss, "a": a, "north": north, "user_factory": user_factory}


def _table(rows) -> list[tuple]:
    return [(r["model"], r["fault_code"], r["repairs"], r["units_sold"], r["repair_rate"])
            for r in rows]


def test_head_office_sees_every_point_ordered_by_model_and_fault_code(faults):
    rows = selectors.fault_analysis(actor=faults["boss"], month="2026-11")
    assert _table(rows) == [("A1", "F-BAT", 1, 5, Decimal("0.2000")),
                            ("A1", "F-SCR", 3, 5, Decimal("0.6000")),
                            ("B2", "F-BAT", 1, 1000, Decimal("0.0010"))]
    assert (rows[0]["model_name"], rows[0]["fault_name"], rows[0]["component"]) == (
        "甲一", "不充电", "电池")


def test_a_point_sees_its_repairs_and_its_customers_units(faults):
    manager = faults["user_factory"](username="fa_point", role="manager",
                                     service_point=faults["a"])
    rows = selectors.fault_analysis(actor=manager, month="2026-11")
    assert _table(rows) == [("A1", "F-BAT", 1, 3, Decimal("0.3333")),
                            ("A1", "F-SCR", 2, 3, Decimal("0.6667"))]


def test_the_region_filter_and_a_regional_manager_see_the_region_only(faults):
    north = faults["north"]
    regional = faults["user_factory"](username="fa_region", role="regional_manager",
                                      region=north)
    expected = [("A1", "F-BAT", 1, 3, Decimal("0.3333")), ("A1", "F-SCR", 2, 3, Decimal("0.6667"))]
    assert _table(selectors.fault_analysis(actor=faults["boss"], month="2026-11",
                                           region=north.pk)) == expected
    assert _table(selectors.fault_analysis(actor=regional, month="2026-11")) == expected


def test_an_empty_month_is_one_query(faults, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.fault_analysis(actor=faults["boss"], month="2025-01") == []


def test_three_queries_however_many_models_and_fault_codes(faults, django_assert_num_queries,
                                                           device_factory,
                                                           product_model_factory,
                                                           fault_code_factory):
    # the repairs, the sales records, the registered units of the models without records
    with django_assert_num_queries(3):
        selectors.fault_analysis(actor=faults["boss"], month="2026-11")
    for n in range(6):
        unit = device_factory(model=product_model_factory(code=f"Z{n}"),
                              purchase_date=date(2026, 1, 1))
        _repair(actor=faults["boss"], device=unit, fault=fault_code_factory(code=f"F-Z{n}"))
    with django_assert_num_queries(3):
        assert len(selectors.fault_analysis(actor=faults["boss"], month="2026-11")) == 9


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_the_month_and_the_installed_base_are_read_from_indexes(faults):
    # given the queries the analysis runs, explained with table scans priced out
    with CaptureQueriesContext(connection) as captured:
        selectors.fault_analysis(actor=faults["boss"], month="2026-11")
    repairs, _sales, installed = (q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        for switch in ("seqscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{switch} = off")
        plans = []
        for sql in (repairs, installed):
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    month, base = plans
    # then the month's repairs and their units' models come from the covering indexes
    assert "Index Only Scan using ticket_resolved_cover_idx on tickets_ticket" in month, month
    assert "Index Only Scan using device_id_model_idx on devices_device" in month, month
    # and the units sold per model from (model_id, purchase_date), no table read
    assert "Index Only Scan using device_model_bought_idx on devices_device" in base, base
    for text in plans:
        assert "Seq Scan on tickets_ticket" not in text and "Seq Scan on devices_device" not in text
