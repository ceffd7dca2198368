"""The dispatch board reads its suggestions in bulk: engineer loads, certificates and who
served each customer before are read once for all the waiting jobs, so the page costs the
same number of queries with 3 waiting jobs as with 20; the ranking is the one the API's
per-ticket suggestions give."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.network.models import Certificate
from aftersales.tickets import selectors
from aftersales.tickets import services as tickets
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shop():
    point = ServicePointFactory(code="SJZ", name="石家庄站")
    users = {
        "agent": UserFactory(username="agent", name="李客服", role="agent",
                             service_point=point),
        "manager": UserFactory(username="manager", name="王经理", role="manager",
                               service_point=point),
    }
    engineers = [UserFactory(username=f"eng{i}", name=f"工程师{i}", role="engineer",
                             service_point=point) for i in range(3)]
    Certificate.objects.create(user=engineers[2], category="手机", valid_from=date(2026, 1, 1),
                               valid_until=date(2027, 12, 31))
    return {"point": point, "users": users, "engineers": engineers,
            "model": ProductModelFactory(code="X9", category="手机")}


def waiting_jobs(shop, n, *, start=0):
    made = []
    for i in range(start, start + n):
        customer = CustomerFactory(name=f"客户{i}", phone=f"1391000{i:04d}",
                                   service_point=shop["point"])
        device = DeviceFactory(customer=customer, model=shop["model"])
        made.append(tickets.open_ticket(
            actor=shop["users"]["agent"], customer=customer, device=device, channel="phone",
            kind="repair", priority="normal", mode="onsite", summary=f"故障{i}"))
    return made


def board_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/tickets/dispatch/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_board_costs_the_same_with_3_and_20_waiting_jobs(shop):
    # given: one engineer already busy, one served a customer before
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(shop["users"]["manager"])
    jobs = waiting_jobs(shop, 3)
    busy = waiting_jobs(shop, 1, start=99)[0]
    tickets.assign(actor=shop["users"]["manager"], ticket=busy, engineer=shop["engineers"][0])
    few, page = board_queries(client)
    assert page.count('class="job"') == 3
    # when
    jobs += waiting_jobs(shop, 17, start=3)
    many, page = board_queries(client)
    # then
    assert page.count('class="job"') == 20
    assert many == few


def test_the_bulk_ranking_is_the_per_ticket_ranking(shop):
    manager = shop["users"]["manager"]
    jobs = waiting_jobs(shop, 3)
    # engineer 1 served the first customer before; engineer 2 holds the 手机 certificate
    earlier = tickets.open_ticket(actor=shop["users"]["agent"], customer=jobs[0].customer,
                                  device=jobs[0].device, channel="phone", kind="repair",
                                  priority="normal", mode="onsite", summary="旧工单")
    tickets.assign(actor=manager, ticket=earlier, engineer=shop["engineers"][1])
    bulk = selectors.dispatch_suggestions_for(actor=manager, tickets=jobs)
    names = {t.pk: [r["engineer"].username for r in bulk[t.pk]] for t in jobs}
    assert names[jobs[0].pk] == ["eng1", "eng2", "eng0"]  # served before, then certified
    assert names[jobs[1].pk] == ["eng2", "eng0", "eng1"]  # certified, then the lightest load
    for t in jobs:
        assert bulk[t.pk] == selectors.dispatch_suggestions(actor=manager, ticket=t)


def test_loads_count_open_jobs_only(shop):
    manager, eng = shop["users"]["manager"], shop["engineers"][0]
    first, second = waiting_jobs(shop, 2)
    tickets.assign(actor=manager, ticket=first, engineer=eng)
    second = tickets.assign(actor=manager, ticket=second, engineer=eng)
    tickets.cancel(actor=manager, ticket=second, reason="客户取消")
    loads = selectors.engineer_loads(engineer_ids=[e.pk for e in shop["engineers"]])
    assert loads == {shop["engineers"][0].pk: 1, shop["engineers"][1].pk: 0,
                     shop["engineers"][2].pk: 0}
