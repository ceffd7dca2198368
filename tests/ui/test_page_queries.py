"""No console page costs more queries with more data: each list is rendered with one row
and with many, and the query counts must be equal."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.billing.services import bill_contract
from aftersales.contracts import services as contracts
from aftersales.inventory import services as inventory
from aftersales.tickets import services as tickets
from tests.factories import CustomerFactory, DeviceFactory, PartFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    """Appointments are booked inside working hours only: the clock stands on a Monday
    morning, so the visits booked below (today, from 10:30) are all accepted."""
    with time_machine.travel(NOW, tick=False):
        yield


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def add_jobs(shop, n, *, assign=False, start=0):
    customer = shop["customer"]
    made = []
    for i in range(n):
        device = DeviceFactory(customer=customer, model=shop["model"])
        ticket = tickets.open_ticket(actor=shop["users"]["agent"], customer=customer,
                                     device=device, channel="phone", kind="repair",
                                     priority="normal", mode="onsite", summary=f"故障{start + i}")
        if assign:
            ticket = tickets.assign(actor=shop["users"]["manager"], ticket=ticket,
                                    engineer=shop["users"]["engineer"])
            ticket = tickets.schedule_visit(actor=shop["users"]["manager"], ticket=ticket,
                                            at=timezone.now() + timedelta(minutes=30 + i))
        made.append(ticket)
    return made


@pytest.mark.parametrize("url", ["/tickets/?tab=all", "/tickets/?tab=open&kind=repair",
                                 "/tickets/?tab=unassigned", "/tickets/?tab=breaching"])
def test_ticket_lists_cost_the_same_for_one_and_many_rows(shop, url):
    # given
    client = client_for(shop["users"]["manager"])
    add_jobs(shop, 1)
    one = queries(client, url)
    # when
    add_jobs(shop, 6, start=1)
    many = queries(client, url)
    # then
    assert many == one


def test_my_day_costs_the_same_for_one_and_many_jobs(shop):
    client = client_for(shop["users"]["engineer"])
    add_jobs(shop, 1, assign=True)
    one = queries(client, "/tickets/my-day/")
    add_jobs(shop, 5, assign=True, start=1)
    assert queries(client, "/tickets/my-day/") == one


def test_the_dispatch_board_grid_costs_the_same_for_one_and_many_visits(shop):
    client = client_for(shop["users"]["manager"])
    add_jobs(shop, 1, assign=True)
    one = queries(client, "/tickets/dispatch/")
    add_jobs(shop, 5, assign=True, start=1)
    assert queries(client, "/tickets/dispatch/") == one


def test_hotline_search_and_archive_cost_the_same_for_one_and_many(shop):
    # given
    client = client_for(shop["users"]["agent"])
    customer = shop["customer"]
    add_jobs(shop, 1)
    today = timezone.localdate()

    def sign():
        contracts.sign_contract(actor=shop["users"]["manager"], customer=customer,
                                kind="annual", starts_on=today,
                                ends_on=today + timedelta(days=364), price="3000.00",
                                devices=list(customer.devices.all()),
                                bill=bill_contract)

    sign()
    archive = f"/customers/{customer.pk}/"
    search = "/customers/hotline/?q=139"
    one = (queries(client, archive), queries(client, search))
    # when: more devices, tickets, contracts and customers matching
    add_jobs(shop, 4, start=1)
    for i in range(4):
        CustomerFactory(phone=f"1390000000{i}")
    for _ in range(3):
        sign()
    # then
    assert (queries(client, archive), queries(client, search)) == one


def test_ticket_page_costs_the_same_with_a_long_history(shop):
    client = client_for(shop["users"]["manager"])
    [ticket] = add_jobs(shop, 1, assign=True)
    url = f"/tickets/{ticket.pk}/"
    one = queries(client, url)
    for _ in range(4):
        ticket = tickets.escalate(actor=shop["users"]["manager"], ticket=ticket, reason="催")
    assert queries(client, url) == one


def test_warehouse_and_finance_pages_cost_the_same_for_one_and_many(shop):
    # given
    keeper, finance = shop["users"]["warehouse"], shop["users"]["finance"]
    admin = shop["users"]["admin"]
    wh = inventory.create_warehouse(actor=admin, code="WH-HQ", name="总部仓",
                                    service_point=shop["hq"])
    inventory.receive_stock(actor=admin, warehouse=wh, part=shop["part"], qty=5)
    stock_client, money_client = client_for(keeper), client_for(finance)
    one = (queries(stock_client, "/warehouse/"), queries(money_client, "/finance/"))
    # when
    for i in range(5):
        inventory.receive_stock(actor=admin, warehouse=wh, qty=3,
                                part=PartFactory(sku=f"EXTRA-{i}"))
    # then
    assert (queries(stock_client, "/warehouse/"), queries(money_client, "/finance/")) == one
