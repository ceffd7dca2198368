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


# -- a national network: engineers a page at a time, one point at a time ------------------


@pytest.fixture
def network(shop):
    """A second point with 25 engineers, and the network's admin."""
    other = ServicePointFactory(code="TS", name="唐山站")
    many = [UserFactory(username=f"ts{i:02d}", name=f"唐山工程师{i:02d}", role="engineer",
                        service_point=other) for i in range(25)]
    admin = UserFactory(username="hq", name="总部", role="admin", service_point=None)
    return {"other": other, "many": many, "admin": admin}


def rows_of(page: str) -> list[str]:
    import re

    return re.findall(r'<tr><th scope="row">([^<]+)<br>', page)


def test_the_board_shows_twenty_engineers_a_page_in_point_order(shop, network):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(network["admin"])
    first = client.get("/tickets/dispatch/").content.decode()
    assert rows_of(first) == [f"工程师{i}" for i in range(3)] + [
        f"唐山工程师{i:02d}" for i in range(17)]  # point SJZ before TS, then by username
    assert "下一页工程师" in first and "上一页工程师" not in first
    second = client.get("/tickets/dispatch/", {"page": 2}).content.decode()
    assert rows_of(second) == [f"唐山工程师{i:02d}" for i in range(17, 25)]
    assert "上一页工程师" in second and "下一页工程师" not in second
    # a page past the end or a page that is no number shows what there is, never an error
    assert rows_of(client.get("/tickets/dispatch/", {"page": 9}).content.decode()) == []
    assert rows_of(client.get("/tickets/dispatch/", {"page": "x"}).content.decode()) == \
        rows_of(first)


def test_the_board_costs_the_same_for_25_and_45_engineers(shop, network):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(network["admin"])
    waiting_jobs(shop, 2)
    before, _page = board_queries(client)
    for i in range(20):
        UserFactory(username=f"tx{i:02d}", role="engineer", service_point=network["other"])
    after, _page = board_queries(client)
    assert after == before


def test_one_points_board_shows_its_engineers_and_jobs_only(shop, network):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(network["admin"])
    waiting_jobs(shop, 2)  # both at 石家庄站
    page = client.get("/tickets/dispatch/", {"point": network["other"].pk}).content.decode()
    assert rows_of(page) == [f"唐山工程师{i:02d}" for i in range(20)]
    assert page.count('class="job"') == 0
    page = client.get("/tickets/dispatch/", {"point": shop["point"].pk}).content.decode()
    assert rows_of(page) == [f"工程师{i}" for i in range(3)]
    assert page.count('class="job"') == 2
    # each job offers its own point's engineers, not the whole network's
    assert "唐山工程师" not in page.split('id="dispatch-pool"')[1].split("</ul>")[0]
    # a point outside the list is ignored (the whole scope is shown)
    page = client.get("/tickets/dispatch/", {"point": 999999}).content.decode()
    assert len(rows_of(page)) == 20


def test_past_the_pool_a_job_is_suggested_its_own_points_engineers(shop, network,
                                                                     monkeypatch):
    # (an engineer of another point cannot take the job: assign refuses that)
    jobs = waiting_jobs(shop, 1)
    everyone = [r["engineer"].username for r in selectors.dispatch_suggestions_for(
        actor=network["admin"], tickets=jobs)[jobs[0].pk]]
    assert len(everyone) == 28
    monkeypatch.setattr(selectors, "SUGGEST_POOL", 10)
    pooled = [r["engineer"].username for r in selectors.dispatch_suggestions_for(
        actor=network["admin"], tickets=jobs)[jobs[0].pk]]
    assert pooled == ["eng2", "eng0", "eng1"]  # certified, then the lightest load
    assert pooled == everyone[:3]
