"""PRODUCT.md "In the field": prices come from the catalogue and the fee table; changing
one needs a manager (recorded with the reason); a labour line takes its price from the
labour-rate table."""
from decimal import Decimal

import pytest

from aftersales.billing import services
from aftersales.billing.models import LabourRate, Quote
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from tests.conftest import ApiClient
from tests.factories import PartFactory
from tests.tickets.factories import open_test_ticket

from .factories import add_visits, diagnosed

D = Decimal


@pytest.fixture
def ticket(boss, customer, device):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1)  # city: 50.00
    return ticket


@pytest.fixture(autouse=True)
def price_list(db):
    PartFactory(sku="BAT-X9", name="电池", price="49.00")
    LabourRate.objects.create(code="SWAP", name="更换电池工时", price="30.00")
    LabourRate.objects.create(code="OLD", name="停用工时", price="10.00", active=False)


def lines_of(quote):
    return [(line.kind, line.description, line.unit_price, line.list_price, line.rate,
             line.price_reason) for line in quote.lines.order_by("position")]


def test_published_prices_need_no_manager(tech, ticket):
    quote = services.quote_ticket(actor=tech, ticket=ticket, lines=[
        {"kind": "part", "sku": "BAT-X9"}, {"kind": "labour", "rate": "SWAP"}])
    assert lines_of(quote) == [
        ("visit", "上门服务费（第1次）", D("50.00"), D("50.00"), "", ""),
        ("part", "电池", D("49.00"), D("49.00"), "", ""),
        ("labour", "更换电池工时", D("30.00"), D("30.00"), "SWAP", "")]
    assert (quote.total, quote.price_change, quote.status) == (D("129.00"), "", "pending")
    services.approve_quote(actor=tech, ticket=ticket)  # the customer may decide at once


@pytest.mark.parametrize(("line", "field"), [
    ({"kind": "part", "sku": "BAT-X9", "unit_price": "39.00"}, "lines.0.price_reason"),
    ({"kind": "labour", "description": "清洁", "unit_price": "20.00"}, "lines.0.rate"),
    ({"kind": "labour", "rate": "NOPE"}, "lines.0.rate"),
    ({"kind": "labour", "rate": "OLD"}, "lines.0.rate"),
    ({"kind": "part", "sku": "BAT-X9", "rate": "SWAP"}, "lines.0.rate"),
    ({"kind": "part", "description": "杂件", "unit_price": "5.00"}, "lines.0.price_reason"),
    ({"kind": "part", "sku": "BAT-X9", "unit_price": "39.00", "price_reason": "x" * 201},
     "lines.0.price_reason"),
])
def test_an_engineer_cannot_price_freely(tech, ticket, line, field):
    before = Quote.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.quote_ticket(actor=tech, ticket=ticket, lines=[line])
    assert caught.value.field == field
    assert Quote.objects.count() == before


def test_a_changed_price_waits_for_a_manager_with_its_reason(tech, boss, ticket):
    # when the engineer gives a discount with a reason
    quote = services.quote_ticket(actor=tech, ticket=ticket, lines=[
        {"kind": "part", "sku": "BAT-X9", "unit_price": "39.00", "price_reason": "老客户优惠"}])
    # then it is recorded against the published price and waits for a manager
    assert lines_of(quote)[1] == ("part", "电池", D("39.00"), D("49.00"), "", "老客户优惠")
    assert (quote.price_change, quote.status, quote.needs_approval) == (
        "pending", "pending", True)
    # the customer cannot approve it yet, nor can the engineer approve the price
    with pytest.raises(Conflict) as caught:
        services.approve_quote(actor=tech, ticket=ticket)
    assert caught.value.code == "price_not_approved"
    with pytest.raises(Forbidden):
        services.approve_price_change(actor=tech, ticket=ticket)
    quote.refresh_from_db()
    assert (quote.status, quote.price_change, quote.price_approved_by) == (
        "pending", "pending", None)
    # when the manager approves, then the customer may approve
    services.approve_price_change(actor=boss, ticket=ticket)
    quote.refresh_from_db()
    assert (quote.price_change, quote.price_approved_by) == ("approved", boss)
    assert quote.price_approved_at is not None
    services.approve_quote(actor=tech, ticket=ticket)
    quote.refresh_from_db()
    assert (quote.status, quote.total) == ("approved", D("89.00"))
    with pytest.raises(Conflict):
        services.approve_price_change(actor=boss, ticket=ticket)


def test_a_free_quote_with_a_changed_price_still_waits(tech, ticket, device):
    # a covered job, but a hand-priced line: the manager sees it before anything is done
    ticket = diagnosed(ticket, covered=True, basis="invoice")
    quote = services.quote_ticket(actor=tech, ticket=ticket, lines=[
        {"kind": "part", "description": "杂件", "unit_price": "5.00", "price_reason": "无目录"}])
    assert (quote.total, quote.status, quote.price_change) == (D("0.00"), "pending",
                                                              "pending")


def test_a_managers_own_price_is_approved_by_them(boss, ticket):
    quote = services.quote_ticket(actor=boss, ticket=ticket, lines=[
        {"kind": "labour", "description": "特殊调试", "unit_price": "120.00"}])
    assert (quote.price_change, quote.price_approved_by) == ("approved", boss)
    services.approve_quote(actor=boss, ticket=ticket)


def test_the_factory_repair_price_is_the_models(tech, ticket, device):
    device.model.factory_price = D("680.00")
    device.model.save()
    quote = services.quote_ticket(actor=tech, ticket=ticket,
                                  lines=[{"kind": "factory_repair", "description": "返厂"}])
    assert lines_of(quote)[1][2:4] == (D("680.00"), D("680.00"))
    assert quote.price_change == ""


def test_the_manager_approves_through_the_api(tech, boss, ticket):
    services.quote_ticket(actor=tech, ticket=ticket, lines=[
        {"kind": "part", "sku": "BAT-X9", "unit_price": "39.00", "price_reason": "优惠"}])
    refused = ApiClient(tech).post(f"/tickets/{ticket.pk}/quote/price-approval")
    assert refused.status_code == 403
    response = ApiClient(boss).post(f"/tickets/{ticket.pk}/quote/price-approval")
    assert response.status_code == 200
    body = response.json()
    assert (body["price_change"], body["price_approved_by"]) == ("approved", boss.pk)
    assert body["lines"][1] == {"kind": "part", "description": "电池", "unit_price": "39.00",
                                "list_price": "49.00", "price_reason": "优惠"}
