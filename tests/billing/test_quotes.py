"""Quotes from a ticket: trips from its visits, the zone's fees from the configured
schedule, coverage from the warranty decision or a contract; approval before work."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.billing import services
from aftersales.billing.models import Quote, ZoneFee
from aftersales.contracts.services import sign_contract
from aftersales.core.errors import Conflict, ValidationFailed
from tests.factories import CustomerFactory, DeviceFactory, PartFactory
from tests.tickets.factories import open_test_ticket

from .factories import add_visits, diagnosed

D = Decimal

# zone x trips x transports -> total without coverage (docs/rules.md, Fees; a second or
# third trip adds only the surcharge on top of the first visit):
#   city 50 / +0 / 100, prefecture 100 / +50 / 200, province 300 / +200 / 500
TRIPS = [
    ("city", 1, 0, "50.00"), ("city", 2, 0, "50.00"), ("city", 3, 1, "150.00"),
    ("prefecture", 1, 0, "100.00"), ("prefecture", 2, 0, "150.00"),
    ("prefecture", 3, 1, "400.00"), ("province", 1, 0, "300.00"),
    ("province", 2, 0, "500.00"), ("province", 3, 1, "1200.00"),
    ("province", 1, 1, "800.00"),
]
COVERAGE = ["none", "warranty", "annual", "extended", "per_visit"]


def _ticket(boss, point, zone, coverage):
    customer = CustomerFactory(zone=zone, service_point=point)
    device = DeviceFactory(customer=customer)
    if coverage in ("annual", "extended", "per_visit"):
        today = timezone.localdate()
        sign_contract(actor=boss, customer=customer, kind=coverage,
                      starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300),
                      price=D("1200"), devices=[device], bill=services.bill_contract)
    ticket = open_test_ticket(actor=boss, customer=customer, device=device)
    return diagnosed(ticket, covered=True if coverage == "warranty" else
                     (None if coverage != "none" else False))


@pytest.mark.parametrize("coverage", COVERAGE)
@pytest.mark.parametrize(("zone", "trips", "transport", "plain"), TRIPS)
def test_every_zone_trip_transport_and_coverage(boss, point, zone, trips, transport, plain,
                                                coverage):
    # given a ticket with `trips` visits of 2 h and a part + labour to do
    ticket = _ticket(boss, point, zone, coverage)
    add_visits(ticket, *([2] * trips))
    lines = [{"kind": "part", "description": "主板", "qty": 1, "unit_price": D("300.00"),
              "sku": None},
             {"kind": "labour", "description": "更换", "qty": 1, "unit_price": D("80.00"),
              "sku": None}]
    # when
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=lines, transport=transport)
    # then: warranty and annual/extended pay everything; a per-visit (按次) arrangement
    # charges labour and parts every time, like no contract at all
    expected = {"none": D(plain) + D("380.00"), "warranty": D("0.00"), "annual": D("0.00"),
                "extended": D("0.00"), "per_visit": D(plain) + D("380.00")}[coverage]
    assert quote.total == expected
    assert quote.needs_approval is (expected > 0)
    assert quote.status == ("pending" if expected > 0 else "approved")
    kinds = [line.kind for line in quote.lines.order_by("position")]
    assert kinds.count("visit") == 1
    assert kinds.count("revisit") == trips - 1
    assert kinds.count("transport") == (1 if transport else 0)
    reasons = {line.covered_reason for line in quote.lines.all() if line.kind == "part"}
    assert reasons == {{"none": "", "per_visit": "", "warranty": "warranty"}.get(
        coverage, "contract")}


def test_long_city_visit_counts_two(boss, customer, device):
    # given a 9 h visit in the city
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 9)
    # when
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    # then
    (line,) = quote.lines.all()
    assert (line.kind, line.qty, line.amount, quote.total) == ("visit", 2, D("100.00"),
                                                              D("100.00"))


def test_fee_schedule_is_configuration(boss, customer, device):
    # given finance raises the city visit fee in the admin
    ZoneFee.objects.filter(zone="city").update(visit=D("65.00"))
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)
    # when
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    # then
    assert quote.total == D("65.00")


def test_json_numbers_and_strings_are_exact(boss, customer, device):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[
        {"kind": "part", "description": "a", "qty": 3, "unit_price": 0.1},
        {"kind": "labour", "description": "b", "qty": 1, "unit_price": "2.67"},
        {"kind": "factory_repair", "description": "c", "qty": 1, "unit_price": 100}])
    assert [line.amount for line in quote.lines.order_by("position")] == [
        D("0.30"), D("2.67"), D("100.00")]
    assert quote.total == D("102.97")


def test_part_price_from_catalog(boss, customer, device):
    PartFactory(sku="LCD-9", name="屏幕总成", price="420.00")
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    quote = services.quote_ticket(actor=boss, ticket=ticket,
                                  lines=[{"kind": "part", "qty": 2, "sku": "LCD-9"}])
    (line,) = quote.lines.all()
    assert (line.description, line.sku, line.unit_price, line.amount) == (
        "屏幕总成", "LCD-9", D("420.00"), D("840.00"))


@pytest.mark.parametrize(("lines", "transport", "field"), [
    ([{"kind": "part", "description": "x", "qty": 0, "unit_price": D("1")}], 0, "lines.0.qty"),
    ([{"kind": "labour", "description": "x", "qty": 1, "unit_price": D("1")},
      {"kind": "visit", "description": "x", "qty": 1, "unit_price": D("1")}], 0,
     "lines.1.kind"),
    ([{"kind": "part", "description": "x", "qty": 1, "unit_price": D("-1")}], 0,
     "lines.0.unit_price"),
    ([{"kind": "part", "description": "x", "qty": 1, "unit_price": "9.999"}], 0,
     "lines.0.unit_price"),
    ([{"kind": "part", "description": "x", "qty": 1, "unit_price": "abc"}], 0,
     "lines.0.unit_price"),
    ([{"kind": "part", "description": "x", "qty": 1, "unit_price": True}], 0,
     "lines.0.unit_price"),
    ([{"kind": "part", "description": "x", "qty": 1.0, "unit_price": "1"}], 0,
     "lines.0.qty"),
    ([{"kind": "part", "description": "x", "qty": 1}], 0, "lines.0.unit_price"),
    ([{"kind": "part", "qty": 1, "sku": "NOPE"}], 0, "lines.0.sku"),
    ([{"kind": "labour", "description": " ", "qty": 1, "unit_price": D("1")}], 0,
     "lines.0.description"),
    ([], -1, "transport"),
])
def test_bad_lines_name_the_field_and_change_nothing(boss, customer, device, lines, transport,
                                                     field):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    with pytest.raises(ValidationFailed) as refused:
        services.quote_ticket(actor=boss, ticket=ticket, lines=lines, transport=transport)
    assert refused.value.field == field
    assert Quote.objects.filter(ticket=ticket).count() == 0


def test_new_quote_replaces_the_waiting_one(boss, customer, device):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)
    first = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    second = services.quote_ticket(actor=boss, ticket=ticket, lines=[], transport=1)
    first.refresh_from_db()
    assert (first.status, second.status, second.total) == ("superseded", "pending",
                                                           D("150.00"))


def test_approval_before_work(boss, customer, device):
    # given a waiting quote
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)
    services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    # then no chargeable work yet
    with pytest.raises(Conflict) as refused:
        services.require_approved(ticket=ticket)
    assert refused.value.code == "quote_not_approved"
    # when the customer approves
    quote = services.approve_quote(actor=boss, ticket=ticket)
    # then work may go on
    assert quote.status == "approved" and quote.decided_by == boss
    services.require_approved(ticket=ticket)
    with pytest.raises(Conflict) as again:
        services.approve_quote(actor=boss, ticket=ticket)
    assert again.value.code == "no_pending_quote"


def test_no_quote_or_free_quote_needs_no_approval(boss, customer, device):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=True, basis="invoice")
    services.require_approved(ticket=ticket)
    add_visits(ticket, 1)
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[])
    assert (quote.total, quote.status) == (D("0.00"), "approved")
    services.require_approved(ticket=ticket)
    with pytest.raises(Conflict):
        services.reject_quote(actor=boss, ticket=ticket)


def test_rejected_quote_charges_only_the_visit(boss, customer, device):
    # given a quote of a visit (50) + transport (100) + part (300)
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)
    services.quote_ticket(actor=boss, ticket=ticket, transport=1, lines=[
        {"kind": "part", "description": "主板", "qty": 1, "unit_price": D("300")}])
    # when the customer rejects it
    quote = services.reject_quote(actor=boss, ticket=ticket)
    # then only the visit falls due, and no quoted work may be done
    assert quote.status == "rejected"
    assert ticket.charge.entries.get().amount == D("50.00")
    assert [line.kind for line in ticket.charge.lines.all()] == ["visit"]
    with pytest.raises(Conflict) as refused:
        services.require_approved(ticket=ticket)
    assert refused.value.code == "quote_not_approved"


def test_diagnosed_not_covered_keeps_annual_contract_out(boss, point):
    # the warranty engine already weighed the annual contract (e.g. misuse): paid
    customer = CustomerFactory(zone="city", service_point=point)
    device = DeviceFactory(customer=customer)
    today = timezone.localdate()
    sign_contract(actor=boss, customer=customer, kind="annual", starts_on=today,
                  ends_on=today + timedelta(days=30), price=D("0"), devices=[device],
                  bill=services.bill_contract)
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)
    assert services.quote_ticket(actor=boss, ticket=ticket, lines=[]).total == D("50.00")


def test_expired_contract_does_not_cover(boss, point):
    customer = CustomerFactory(zone="prefecture", service_point=point)
    device = DeviceFactory(customer=customer)
    sign_contract(actor=boss, customer=customer, kind="annual", starts_on=date(2020, 1, 1),
                  ends_on=date(2020, 12, 31), price=D("0"), devices=[device],
                  bill=services.bill_contract)
    ticket = open_test_ticket(actor=boss, customer=customer, device=device)
    add_visits(ticket, 1)
    assert services.quote_ticket(actor=boss, ticket=ticket, lines=[]).total == D("100.00")
