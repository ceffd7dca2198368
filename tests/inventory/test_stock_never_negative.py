"""The ledger never goes negative: 50 concurrent issues at 10 units, each in its own
thread and database connection, on whichever database the suite runs against."""
import pytest
from django.db.models import Sum

from aftersales.core.errors import Conflict
from aftersales.inventory import services
from aftersales.inventory.models import StockLevel, StockMove
from tests.concurrency import run_concurrently
from tests.factories import CustomerFactory, PartFactory, ServicePointFactory, UserFactory

from .factories import WarehouseFactory, make_ticket

CALLERS = 50
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_issues_at_ten_units():
    # given
    point = ServicePointFactory(code="SJZ")
    store = WarehouseFactory(code="SJZ-01", service_point=point)
    part = PartFactory(sku="SCR-X9", cost="100.00")
    engineer = UserFactory(username="sjz-eng", role="engineer", service_point=point)
    customer = CustomerFactory()
    services.receive_stock(actor=UserFactory(username="root", role="admin"), warehouse=store,
                           part=part, qty=UNITS)
    tickets = [make_ticket(number=f"SR20261123-{i:04d}", service_point=point,
                           engineer=engineer, customer=customer) for i in range(CALLERS)]

    # when
    results = run_concurrently(
        lambda i: services.issue_to_ticket(actor=engineer, ticket=tickets[i], sku="SCR-X9",
                                           qty=1), CALLERS)

    # then
    issued = [r for r in results if isinstance(r, StockMove)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(results) == CALLERS
    assert (len(issued), len(refused)) == (UNITS, CALLERS - UNITS)
    assert {r.code for r in refused} == {"insufficient_stock"}
    level = StockLevel.objects.get(warehouse=store, part=part)
    ledger = StockMove.objects.filter(warehouse=store, part=part).aggregate(s=Sum("qty"))["s"]
    assert level.on_hand == 0
    assert ledger == level.on_hand
    assert StockMove.objects.filter(kind="issue").count() == UNITS


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_use_part_calls_through_the_api():
    # given: 50 tickets in repair, 10 screens in the point's store
    from tests.conftest import ApiClient

    point = ServicePointFactory(code="SJZ")
    store = WarehouseFactory(code="SJZ-01", service_point=point)
    part = PartFactory(sku="SCR-X9", cost="100.00")
    engineer = UserFactory(username="sjz-eng", role="engineer", service_point=point)
    customer = CustomerFactory(service_point=point)
    services.receive_stock(actor=UserFactory(username="root", role="admin"), warehouse=store,
                           part=part, qty=UNITS)
    tickets = [make_ticket(number=f"SR20261123-{i:04d}", service_point=point,
                           engineer=engineer, customer=customer, status="in_repair")
               for i in range(CALLERS)]
    clients = [ApiClient(engineer) for _ in range(CALLERS)]

    # when
    responses = run_concurrently(
        lambda i: clients[i].post(f"/tickets/{tickets[i].pk}/actions/use_part",
                                  {"sku": "SCR-X9", "qty": 1}), CALLERS)

    # then
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * UNITS + [409] * (CALLERS - UNITS)
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "insufficient_stock"}
    level = StockLevel.objects.get(warehouse=store, part=part)
    ledger = StockMove.objects.filter(warehouse=store, part=part).aggregate(s=Sum("qty"))["s"]
    assert level.on_hand == 0
    assert ledger == level.on_hand
    assert StockMove.objects.filter(kind="issue").count() == UNITS
