"""PRODUCT.md "Fees": a second or third trip for the same fault adds only the zone's
surcharge on top of what the first visit cost (在原来收费基础上加收); a trip caused by our
own misdiagnosis is not charged (误判由我方承担). "Contracts": only annual and extended
contracts make service free, as far as their scope goes; a per-visit (按次) arrangement
charges labour and parts every time."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.billing import fees, selectors, services
from aftersales.contracts.services import sign_contract
from tests.factories import CustomerFactory, DeviceFactory
from tests.tickets.factories import open_test_ticket

from .factories import add_visits, diagnosed

D = Decimal
SCHEDULE = fees.FeeSchedule.default()

# zone -> totals for 1, 2, 3 trips (per person): visit, then + surcharge per later trip
TRIPS = {
    "city": ("50.00", "50.00", "50.00"),             # 50, 50 + 0, 50 + 0 + 0
    "prefecture": ("100.00", "150.00", "200.00"),    # 100, 100 + 50, 100 + 50 + 50
    "province": ("300.00", "500.00", "700.00"),      # 300, 300 + 200, 300 + 200 + 200
}


def trips(n, *, waived=()):
    return [fees.VisitInput(hours=D("2"), revisit=i > 0, waived=i + 1 in waived)
            for i in range(n)]


@pytest.mark.parametrize("zone", list(TRIPS))
@pytest.mark.parametrize("n", [1, 2, 3])
def test_trips_add_only_the_surcharge(zone, n):
    quote = fees.build_quote(schedule=SCHEDULE, zone=zone, visits=trips(n))
    assert quote.total == D(TRIPS[zone][n - 1])
    assert [line.kind for line in quote.lines] == ["visit"] + ["revisit"] * (n - 1)


@pytest.mark.parametrize(("zone", "total", "waived_amount"), [
    ("city", "50.00", "0.00"), ("prefecture", "150.00", "50.00"),
    ("province", "500.00", "200.00")])
def test_a_misdiagnosis_trip_is_not_charged(zone, total, waived_amount):
    # given three trips of which the second was caused by our misdiagnosis
    quote = fees.build_quote(schedule=SCHEDULE, zone=zone, visits=trips(3, waived={2}))
    # then that trip's surcharge is shown at its price but charged 0.00
    assert quote.total == D(total)
    second = quote.lines[1]
    assert (second.kind, second.unit_price, second.amount, second.covered_reason) == (
        "revisit", D(waived_amount), D("0.00"), "misdiagnosis")
    assert quote.lines[2].covered_reason is None


def test_a_waived_first_trip_is_free_and_the_next_is_a_surcharge():
    quote = fees.build_quote(schedule=SCHEDULE, zone="prefecture", visits=trips(2, waived={1}))
    assert [(line.kind, line.amount, line.covered_reason) for line in quote.lines] == [
        ("visit", D("0.00"), "misdiagnosis"), ("revisit", D("50.00"), None)]
    assert quote.total == D("50.00")


def test_two_persons_pay_the_surcharge_each():
    visits = [fees.VisitInput(hours=D("2"), persons=2),
              fees.VisitInput(hours=D("2"), revisit=True, persons=2)]
    quote = fees.build_quote(schedule=SCHEDULE, zone="province", visits=visits)
    assert quote.total == D("1000.00")  # 300 x 2 + 200 x 2


def test_contract_scope_without_parts_charges_the_parts_only():
    coverage = fees.Coverage(True, reason="contract", covers_visits=True, covers_parts=False)
    quote = fees.build_quote(
        schedule=SCHEDULE, zone="prefecture", visits=trips(1), coverage=coverage,
        items=[fees.ItemInput(kind="part", description="电池", unit_price=D("49.00")),
               fees.ItemInput(kind="labour", description="更换", unit_price=D("30.00"))])
    assert [(line.kind, line.amount) for line in quote.lines] == [
        ("visit", D("0.00")), ("part", D("49.00")), ("labour", D("0.00"))]
    assert quote.total == D("49.00")


# --------------------------------------------------------------------------
# Through the billing service: a quote for each arrangement
# --------------------------------------------------------------------------

LINES = [{"kind": "part", "description": "电池", "qty": 1, "unit_price": "49.00"},
         {"kind": "labour", "description": "更换电池", "qty": 1, "unit_price": "30.00"}]


def _ticket(boss, point, *, zone="prefecture", kind=None, covers_visits=None,
            covers_parts=True):
    customer = CustomerFactory(zone=zone, service_point=point)
    device = DeviceFactory(customer=customer)
    if kind is not None:
        today = timezone.localdate()
        sign_contract(actor=boss, customer=customer, kind=kind,
                      starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=300),
                      price=D("0"), devices=[device], covers_visits=covers_visits,
                      covers_parts=covers_parts, bill=services.bill_contract)
    ticket = open_test_ticket(actor=boss, customer=customer, device=device)
    return diagnosed(ticket, covered=None)


@pytest.mark.parametrize(("kind", "covers_visits", "covers_parts", "expected"), [
    # no contract: visit 100 + part 49 + labour 30
    (None, None, True, [("visit", "100.00"), ("part", "49.00"), ("labour", "30.00")]),
    # per-visit: labour and parts are charged every time, and the visit
    ("per_visit", None, True, [("visit", "100.00"), ("part", "49.00"), ("labour", "30.00")]),
    # annual, everything included
    ("annual", None, True, [("visit", "0.00"), ("part", "0.00"), ("labour", "0.00")]),
    # extended warranty without visits: the trip is paid, the work is free
    ("extended", False, True, [("visit", "100.00"), ("part", "0.00"), ("labour", "0.00")]),
    # annual without parts: the parts are paid
    ("annual", True, False, [("visit", "0.00"), ("part", "49.00"), ("labour", "0.00")]),
])
def test_each_arrangement_priced_as_its_terms_say(boss, point, kind, covers_visits,
                                                  covers_parts, expected):
    ticket = _ticket(boss, point, kind=kind, covers_visits=covers_visits,
                     covers_parts=covers_parts)
    add_visits(ticket, 2)
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=LINES)
    got = [(line.kind, f"{line.amount:.2f}") for line in quote.lines.order_by("position")]
    assert got == expected
    assert quote.total == sum((D(amount) for _, amount in expected), D("0.00"))


def test_three_trips_and_a_misdiagnosis_through_the_ticket(boss, point):
    # given three trips in the province, the second marked as our misdiagnosis
    ticket = _ticket(boss, point, zone="province")
    visits = add_visits(ticket, 2, 2, 2)
    visits[1].misdiagnosis = True
    visits[1].save(update_fields=["misdiagnosis"])
    # when quoted
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    # then 300 + 0 (waived) + 200
    assert quote.total == D("500.00")
    assert [(line.kind, f"{line.amount:.2f}", line.covered_reason)
            for line in quote.lines.order_by("position")] == [
        ("visit", "300.00", ""), ("revisit", "0.00", "misdiagnosis"),
        ("revisit", "200.00", "")]


def test_a_trip_with_the_customer_absent_is_no_trip_for_the_fee(boss, point):
    ticket = _ticket(boss, point, zone="prefecture")
    visits = add_visits(ticket, 1, 2)
    visits[0].outcome = "customer_absent"
    visits[0].save(update_fields=["outcome"])
    assert [v.revisit for v in selectors.visits_of(ticket=ticket)] == [False]
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    assert quote.total == D("100.00")
