"""Table-driven tests of the pure quote engine (aftersales.billing.fees).

Expected totals are worked out by hand in the tables, from the published
default fee table:

    zone        visit  revisit surcharge  large-unit transport
    city           50                 +0                   100
    prefecture    100                +50                   200
    province      300               +200                   500
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

try:  # the package may not be installed yet (plain checkout)
    import aftersales  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from aftersales.billing.fees import (  # noqa: E402
    LINE_KINDS,
    ZONES,
    Coverage,
    FeeSchedule,
    ItemInput,
    Quote,
    VisitInput,
    ZoneFees,
    build_quote,
    money,
)
from aftersales.billing.terms import ageing_bucket, due_date

D = Decimal
SCHEDULE = FeeSchedule.default()

NO_COVER = Coverage(False)
WARRANTY = Coverage(True, reason="warranty")
# Per-visit contract: covers the work, the customer still pays the trips.
CONTRACT_WORK_ONLY = Coverage(True, reason="contract", covers_visits=False)
COVERAGES = {"none": NO_COVER, "warranty": WARRANTY, "contract": CONTRACT_WORK_ONLY}


def visits(n: int, hours: str = "2", persons: int = 1) -> list[VisitInput]:
    """n trips for one fault: the first is a visit, the following ones revisits."""
    return [VisitInput(hours=D(hours), revisit=i > 0, persons=persons) for i in range(n)]


# --------------------------------------------------------------------------
# Full matrix: zone x visit count x transport x coverage
# --------------------------------------------------------------------------

# (zone, visits, transports, expected total with no coverage / warranty / contract-work-only)
# The matrix has no parts or labour, so the work-only contract pays nothing
# here: trips and transport stay chargeable and its totals equal "none".
MATRIX = [
    # A second or third trip adds only the surcharge on top of the first visit
    # (在原来收费基础上加收).
    # city: 50 per visit, revisit +0, transport 100
    ("city", 1, 0, "50.00", "0.00", "50.00"),  # 50
    ("city", 1, 1, "150.00", "0.00", "150.00"),  # 50 + 100
    ("city", 2, 0, "50.00", "0.00", "50.00"),  # 50 + 0
    ("city", 2, 1, "150.00", "0.00", "150.00"),  # 50 + 0 + 100
    ("city", 3, 0, "50.00", "0.00", "50.00"),  # 50 + 0 + 0
    ("city", 3, 1, "150.00", "0.00", "150.00"),  # 50 + 0 + 0 + 100
    # prefecture: 100 per visit, revisit +50, transport 200
    ("prefecture", 1, 0, "100.00", "0.00", "100.00"),  # 100
    ("prefecture", 1, 1, "300.00", "0.00", "300.00"),  # 100 + 200
    ("prefecture", 2, 0, "150.00", "0.00", "150.00"),  # 100 + 50
    ("prefecture", 2, 1, "350.00", "0.00", "350.00"),  # 100 + 50 + 200
    ("prefecture", 3, 0, "200.00", "0.00", "200.00"),  # 100 + 50 + 50
    ("prefecture", 3, 1, "400.00", "0.00", "400.00"),  # 100 + 50 + 50 + 200
    # province: 300 per visit, revisit +200, transport 500
    ("province", 1, 0, "300.00", "0.00", "300.00"),  # 300
    ("province", 1, 1, "800.00", "0.00", "800.00"),  # 300 + 500
    ("province", 2, 0, "500.00", "0.00", "500.00"),  # 300 + 200
    ("province", 2, 1, "1000.00", "0.00", "1000.00"),  # 300 + 200 + 500
    ("province", 3, 0, "700.00", "0.00", "700.00"),  # 300 + 200 + 200
    ("province", 3, 1, "1200.00", "0.00", "1200.00"),  # 300 + 200 + 200 + 500
]

MATRIX_CASES = [
    pytest.param(zone, n, transports, cover, D(expected), id=f"{zone}-{n}v-{transports}t-{cover}")
    for zone, n, transports, none, warranty, contract in MATRIX
    for cover, expected in (("none", none), ("warranty", warranty), ("contract", contract))
]


def test_matrix_is_complete():
    seen = {(p.values[0], p.values[1], p.values[2], p.values[3]) for p in MATRIX_CASES}
    assert len(seen) == len(MATRIX_CASES) == len(ZONES) * 3 * 2 * 3


@pytest.mark.parametrize(("zone", "n_visits", "transports", "cover", "expected"), MATRIX_CASES)
def test_matrix_total(zone, n_visits, transports, cover, expected):
    quote = build_quote(
        schedule=SCHEDULE,
        zone=zone,
        visits=visits(n_visits),
        large_unit_transports=transports,
        coverage=COVERAGES[cover],
    )
    assert quote.total == expected
    assert str(quote.total) == str(expected)
    # One visit line for the first trip, one revisit line per trip after it
    # (kept even when the city surcharge is 0.00), one transport line if any.
    kinds = [line.kind for line in quote.lines]
    assert kinds.count("visit") == 1
    assert kinds.count("revisit") == n_visits - 1
    assert kinds.count("transport") == transports
    assert quote.needs_approval is (expected > 0)
    assert quote.chargeable() is (expected > 0)
    assert quote.needs_manager is False
    if cover == "warranty":
        assert all(line.amount == D("0.00") for line in quote.lines)
        assert all(line.covered_reason == "warranty" for line in quote.lines)
    else:
        assert all(line.covered_reason is None for line in quote.lines)


# --------------------------------------------------------------------------
# Line details
# --------------------------------------------------------------------------


def test_prefecture_example_lines():
    quote = build_quote(
        schedule=SCHEDULE, zone="prefecture", visits=visits(2), large_unit_transports=1
    )
    # lines follow the trips: visit 1, the surcharge of trip 2, then transport
    assert [(line.kind, line.qty, line.unit_price, line.amount) for line in quote.lines] == [
        ("visit", 1, D("100.00"), D("100.00")),
        ("revisit", 1, D("50.00"), D("50.00")),
        ("transport", 1, D("200.00"), D("200.00")),
    ]
    assert quote.total == D("350.00")
    assert all(line.description for line in quote.lines)


def test_city_revisit_line_kept_at_zero():
    quote = build_quote(schedule=SCHEDULE, zone="city", visits=visits(2))
    revisit = [line for line in quote.lines if line.kind == "revisit"]
    assert len(revisit) == 1
    assert revisit[0].unit_price == D("0.00")
    assert revisit[0].amount == D("0.00")
    assert revisit[0].covered_reason is None


@pytest.mark.parametrize(
    ("hours", "qty", "total"),
    [
        ("8", 1, "50.00"),  # exactly 8 h is one visit
        ("8.00", 1, "50.00"),
        ("8.01", 2, "100.00"),  # just over 8 h counts two
        ("9", 2, "100.00"),
        ("0", 1, "50.00"),
    ],
)
def test_long_city_visit(hours, qty, total):
    quote = build_quote(schedule=SCHEDULE, zone="city", visits=[VisitInput(hours=D(hours))])
    (line,) = quote.lines
    assert line.kind == "visit"
    assert line.qty == qty
    assert quote.total == D(total)


@pytest.mark.parametrize(("zone", "total"), [("prefecture", "100.00"), ("province", "300.00")])
def test_long_visit_only_doubles_in_city(zone, total):
    quote = build_quote(schedule=SCHEDULE, zone=zone, visits=[VisitInput(hours=D("12"))])
    assert quote.total == D(total)


def test_long_city_revisit_adds_visits_not_double_surcharge():
    schedule = FeeSchedule(
        zones={"city": ZoneFees(D("50"), D("10"), D("100"))},
    )
    quote = build_quote(
        schedule=schedule,
        zone="city",
        visits=[VisitInput(hours=D("1")), VisitInput(hours=D("9"), revisit=True, persons=2)],
    )
    # 50 (trip 1) + 10 x 2 persons (surcharge, not doubled)
    # + 50 x (1 person not on trip 1 + 2 persons for the time beyond 8 h) = 50 + 20 + 150
    assert quote.total == D("220.00")


def test_persons_multiply_visit_and_surcharge():
    quote = build_quote(
        schedule=SCHEDULE,
        zone="province",
        visits=[
            VisitInput(hours=D("3"), persons=2),
            VisitInput(hours=D("3"), revisit=True, persons=3),
        ],
    )
    # 300 x 2 + 200 x 3 (surcharge per person) + 300 x 1 (the person not on trip 1)
    assert quote.total == D("1500.00")


@pytest.mark.parametrize(("n", "flag"), [(0, False), (1, False), (3, False), (4, True), (5, True)])
def test_fourth_visit_needs_manager(n, flag):
    quote = build_quote(schedule=SCHEDULE, zone="prefecture", visits=visits(n))
    assert quote.needs_manager is flag


def test_fourth_visit_still_priced():
    quote = build_quote(schedule=SCHEDULE, zone="prefecture", visits=visits(4))
    # 100 + 50 + 50 + 50: the engine only flags, it does not refuse
    assert quote.total == D("250.00")


def test_manager_limit_comes_from_schedule():
    schedule = FeeSchedule(zones=SCHEDULE.zones, max_visits_without_manager=1)
    assert build_quote(schedule=schedule, zone="city", visits=visits(2)).needs_manager


def test_multiple_transports():
    quote = build_quote(schedule=SCHEDULE, zone="province", large_unit_transports=2)
    (line,) = quote.lines
    assert (line.kind, line.qty, line.unit_price, line.amount) == (
        "transport",
        2,
        D("500.00"),
        D("1000.00"),
    )


# --------------------------------------------------------------------------
# Parts, labour, factory repair and coverage
# --------------------------------------------------------------------------

ITEMS = [
    ItemInput(kind="part", description="主板 main board", qty=1, unit_price=D("680.50"), sku="MB-01"),
    ItemInput(kind="part", description="保险丝 fuse", qty=3, unit_price=D("2.30"), sku="FU-5A"),
    ItemInput(kind="labour", description="更换主板", qty=1, unit_price=D("120")),
    ItemInput(kind="factory_repair", description="返厂维修", qty=1, unit_price=D("350")),
]
# items alone: 680.50 + 3 x 2.30 + 120 + 350 = 680.50 + 6.90 + 120.00 + 350.00 = 1157.40


@pytest.mark.parametrize(
    ("cover", "expected"),
    [
        # 100 (visit) + 200 (transport) + 1157.40 (items)
        ("none", "1457.40"),
        ("warranty", "0.00"),
        # contract pays the work, customer pays visit 100 + transport 200
        ("contract", "300.00"),
    ],
)
def test_items_with_coverage(cover, expected):
    quote = build_quote(
        schedule=SCHEDULE,
        zone="prefecture",
        visits=visits(1),
        large_unit_transports=1,
        items=ITEMS,
        coverage=COVERAGES[cover],
    )
    assert quote.total == D(expected)
    item_lines = quote.lines[2:]
    assert [line.kind for line in item_lines] == ["part", "part", "labour", "factory_repair"]
    assert [line.amount for line in item_lines] == (
        [D("680.50"), D("6.90"), D("120.00"), D("350.00")]
        if cover == "none"
        else [D("0.00")] * 4
    )
    # covered lines keep the list price so the customer sees the value
    assert [line.unit_price for line in item_lines] == [
        D("680.50"),
        D("2.30"),
        D("120.00"),
        D("350.00"),
    ]
    expected_reason = {"none": None, "warranty": "warranty", "contract": "contract"}[cover]
    assert all(line.covered_reason == expected_reason for line in item_lines)
    trip_reason = "warranty" if cover == "warranty" else None
    assert all(line.covered_reason == trip_reason for line in quote.lines[:2])


def test_covered_reason_defaults_to_warranty():
    quote = build_quote(
        schedule=SCHEDULE,
        zone="city",
        visits=visits(1),
        items=[ItemInput(kind="labour", description="检测", unit_price=D("80"))],
        coverage=Coverage(True),
    )
    assert quote.total == D("0.00")
    assert [line.covered_reason for line in quote.lines] == ["warranty", "warranty"]
    assert [line.amount for line in quote.lines] == [D("0.00"), D("0.00")]
    assert quote.needs_approval is False
    assert quote.chargeable() is False


def test_item_not_covered_override():
    quote = build_quote(
        schedule=SCHEDULE,
        zone="city",
        visits=visits(1),
        items=[
            ItemInput(kind="part", description="压缩机", unit_price=D("900")),
            ItemInput(kind="part", description="遥控器电池", qty=2, unit_price=D("4.50"), covered=False),
        ],
        coverage=Coverage(True, reason="warranty"),
    )
    # only the batteries are charged: 2 x 4.50
    assert quote.total == D("9.00")
    assert [line.covered_reason for line in quote.lines] == ["warranty", "warranty", None]
    assert quote.needs_approval is True


def test_item_covered_override_out_of_warranty():
    quote = build_quote(
        schedule=SCHEDULE,
        zone="city",
        visits=visits(1),
        items=[
            ItemInput(kind="part", description="上次更换的配件", unit_price=D("300"), covered=True),
            ItemInput(kind="labour", description="人工", unit_price=D("60")),
        ],
        coverage=Coverage(False, reason="repair_warranty"),
    )
    # visit 50 + labour 60; the part is under its own repair warranty
    assert quote.total == D("110.00")
    assert quote.lines[1].covered_reason == "repair_warranty"
    assert quote.lines[1].amount == D("0.00")


def test_empty_quote():
    quote = build_quote(schedule=SCHEDULE, zone="city")
    assert quote == Quote(lines=(), total=D("0.00"), needs_approval=False, needs_manager=False)


def test_every_line_kind_is_known():
    quote = build_quote(
        schedule=SCHEDULE,
        zone="province",
        visits=visits(2),
        large_unit_transports=1,
        items=ITEMS,
    )
    assert {line.kind for line in quote.lines} == set(LINE_KINDS)


# --------------------------------------------------------------------------
# money()
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("2.675", "2.68"),  # as a str it is exact, so half-up gives 2.68
        (D("2.675"), "2.68"),
        ("2.665", "2.67"),  # not banker's rounding
        ("-0.005", "-0.01"),  # half-up rounds away from zero
        (5, "5.00"),
        (0, "0.00"),
        (" 12.3 ", "12.30"),
        (D("1E+3"), "1000.00"),
    ],
)
def test_money_half_up(value, expected):
    result = money(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value", [2.675, 0.0, 1.5, True, None, [1]])
def test_money_rejects_float_and_others(value):
    with pytest.raises(TypeError):
        money(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1e40"])
def test_money_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        money(value)


def test_float_rejected_everywhere():
    with pytest.raises(TypeError):
        VisitInput(hours=2.5)
    with pytest.raises(TypeError):
        ItemInput(kind="part", description="x", unit_price=9.99)
    with pytest.raises(TypeError):
        ZoneFees(50.0, D("0"), D("100"))
    with pytest.raises(TypeError):
        due_date(total=100.0, resolved_on=date(2025, 1, 1))


def test_schedule_values_normalised():
    fees = ZoneFees("50", 0, D("100.005"))
    assert (fees.visit, fees.revisit_surcharge, fees.transport) == (
        D("50.00"),
        D("0.00"),
        D("100.01"),
    )


def test_schedule_copy_is_isolated():
    zones = {"city": ZoneFees(D("50"), D("0"), D("100"))}
    schedule = FeeSchedule(zones=zones)
    zones["city"] = ZoneFees(D("999"), D("0"), D("100"))
    assert schedule.zones["city"].visit == D("50.00")


# --------------------------------------------------------------------------
# Validation -> ValueError (mapped to 422 by the service)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: build_quote(schedule=SCHEDULE, zone="county"), "unknown zone"),
        (lambda: build_quote(schedule=SCHEDULE, zone=""), "unknown zone"),
        (
            lambda: build_quote(schedule=FeeSchedule(zones={}), zone="city"),
            "no fees",
        ),
        (
            lambda: build_quote(schedule=SCHEDULE, zone="city", large_unit_transports=-1),
            "large_unit_transports",
        ),
        (lambda: ItemInput(kind="visit", description="x"), "unknown item kind"),
        (lambda: ItemInput(kind="shipping", description="x"), "unknown item kind"),
        (lambda: ItemInput(kind="part", description="x", qty=-1), "qty"),
        (lambda: ItemInput(kind="part", description="x", qty=0), "qty"),
        (lambda: ItemInput(kind="part", description="x", unit_price=D("-0.01")), "unit_price"),
        (lambda: ItemInput(kind="part", description="  "), "description"),
        (lambda: VisitInput(hours=D("-1")), "hours"),
        (lambda: VisitInput(hours=D("1"), persons=0), "persons"),
        (lambda: ZoneFees(D("-50"), D("0"), D("100")), "visit"),
        (lambda: FeeSchedule(zones={"county": ZoneFees(D("1"), D("0"), D("1"))}), "unknown zone"),
        (lambda: FeeSchedule(zones={}, long_visit_zones=("town",)), "unknown zone"),
        (lambda: FeeSchedule(zones={}, long_visit_hours=D("-1")), "long_visit_hours"),
    ],
)
def test_value_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --------------------------------------------------------------------------
# Payment terms and ageing
# --------------------------------------------------------------------------

RESOLVED = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("total", "due"),
    [
        (D("0.00"), date(2025, 3, 10)),
        (D("1999.99"), date(2025, 3, 10)),
        (D("2000.00"), date(2025, 3, 10)),  # inclusive: paid on the spot
        (D("2000"), date(2025, 3, 10)),
        (D("2000.004"), date(2025, 3, 10)),  # rounds to 2000.00
        (D("2000.01"), date(2025, 3, 25)),  # 10 March + 15 days
        (D("15000"), date(2025, 3, 25)),
    ],
)
def test_due_date(total, due):
    assert due_date(total=total, resolved_on=RESOLVED) == due


def test_due_date_crosses_month_end():
    assert due_date(total=D("2500"), resolved_on=date(2025, 2, 20)) == date(2025, 3, 7)


def test_due_date_parameters():
    assert due_date(
        total=D("600"), resolved_on=RESOLVED, on_spot_limit=D("500"), credit_days=30
    ) == date(2025, 4, 9)


@pytest.mark.parametrize(
    ("days_after_due", "bucket"),
    [
        (-30, "current"),
        (-1, "current"),
        (0, "current"),  # due today
        (1, "1_15"),
        (15, "1_15"),
        (16, "16_60"),
        (60, "16_60"),
        (61, "60_plus"),
        (400, "60_plus"),
    ],
)
def test_ageing_bucket_edges(days_after_due, bucket):
    due_on = date(2025, 1, 31)
    today = date.fromordinal(due_on.toordinal() + days_after_due)
    assert ageing_bucket(due_on=due_on, today=today) == bucket


# --------------------------------------------------------------------------
# Property: the total is always the sum of the lines, non-negative, 2 places
# --------------------------------------------------------------------------

prices = st.decimals(
    min_value=D("0"), max_value=D("100000"), allow_nan=False, allow_infinity=False, places=3
)
hours = st.decimals(min_value=D("0"), max_value=D("24"), allow_nan=False, places=2)
visit_st = st.builds(
    VisitInput, hours=hours, revisit=st.booleans(), persons=st.integers(min_value=1, max_value=5)
)
item_st = st.builds(
    ItemInput,
    kind=st.sampled_from(("part", "labour", "factory_repair")),
    description=st.sampled_from(("配件", "人工", "返厂维修", "filter")),
    qty=st.integers(min_value=1, max_value=50),
    unit_price=prices,
    sku=st.none() | st.just("SKU-1"),
    covered=st.none() | st.booleans(),
)
coverage_st = st.builds(
    Coverage,
    covered=st.booleans(),
    reason=st.none() | st.sampled_from(("warranty", "contract", "repair_warranty")),
    covers_visits=st.booleans(),
)
zone_fees_st = st.builds(ZoneFees, prices, prices, prices)
schedule_st = st.builds(
    FeeSchedule,
    zones=st.fixed_dictionaries({z: zone_fees_st for z in ZONES}),
    long_visit_hours=hours,
    long_visit_zones=st.sampled_from(((), ("city",), ZONES)),
    max_visits_without_manager=st.integers(min_value=0, max_value=5),
)


@given(
    schedule=st.just(SCHEDULE) | schedule_st,
    zone=st.sampled_from(ZONES),
    visit_list=st.lists(visit_st, max_size=6),
    transports=st.integers(min_value=0, max_value=3),
    items=st.lists(item_st, max_size=6),
    coverage=coverage_st,
)
def test_total_is_sum_of_lines(schedule, zone, visit_list, transports, items, coverage):
    quote = build_quote(
        schedule=schedule,
        zone=zone,
        visits=visit_list,
        large_unit_transports=transports,
        items=items,
        coverage=coverage,
    )
    assert quote.total == sum((line.amount for line in quote.lines), D("0"))
    assert quote.total >= 0
    assert quote.total.as_tuple().exponent == -2
    for line in quote.lines:
        assert line.kind in LINE_KINDS
        assert line.amount.as_tuple().exponent == -2
        assert line.amount >= 0
        if line.covered_reason is not None:
            assert line.amount == D("0.00")
        else:
            assert line.amount == line.unit_price * line.qty
    assert quote.needs_approval is (quote.total > 0)
    assert quote.chargeable() is quote.needs_approval
    assert quote.needs_manager is (len(visit_list) > schedule.max_visits_without_manager)
