"""Regions: a regional manager sees and acts on exactly the points of the region (one
scoping mechanism, core/scoping.py); a point's staff still only their own; reports filter by
region."""
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from aftersales.core.errors import NotFound
from aftersales.core.scoping import check_point
from aftersales.network import services
from aftersales.network.models import Region, ServicePoint
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.tickets.factories import open_test_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(admin_user):
    north = services.create_region(actor=admin_user, code="N", name="华北大区")
    south = services.create_region(actor=admin_user, code="S", name="华南大区")
    points = {}
    for code, region in (("N1", north), ("N2", north), ("S1", south)):
        points[code] = services.create_service_point(
            actor=admin_user, code=code, name=f"服务站{code}", kind="authorized", tier="gold",
            region=region)
    loose = ServicePointFactory(code="X1")  # a point of no region
    points["X1"] = loose
    boss = services.create_staff(actor=admin_user, username="north-boss", password="hebei-river-2026",
                                 name="华北经理", role="regional_manager", service_point=None,
                                 region=north)
    agent = UserFactory(username="n1-agent", role="agent", service_point=points["N1"])
    hq_agent = UserFactory(username="hq-agent", role="agent")
    customers, tickets = {}, {}
    for code, point in points.items():
        customers[code] = CustomerFactory(name=f"客户{code}", service_point=point)
        tickets[code] = open_test_ticket(actor=hq_agent, customer=customers[code])
    return {"north": north, "south": south, "points": points, "boss": boss, "agent": agent,
            "customers": customers, "tickets": tickets}


def test_a_regional_manager_sees_exactly_the_regions_customers_and_tickets(world):
    api = ApiClient(world["boss"])
    customers = api.get("/customers").json()["items"]
    assert sorted(c["name"] for c in customers) == ["客户N1", "客户N2"]
    tickets = api.get("/tickets").json()["items"]
    assert sorted(t["id"] for t in tickets) == sorted(
        [world["tickets"]["N1"].pk, world["tickets"]["N2"].pk])
    points = api.get("/service-points").json()["items"]
    assert [p["code"] for p in points] == ["N1", "N2"]
    # another region's rows read as unknown
    assert api.get(f"/tickets/{world['tickets']['S1'].pk}").status_code == 404
    assert api.get(f"/tickets/{world['tickets']['X1'].pk}").status_code == 404
    assert api.get(f"/service-points/{world['points']['S1'].pk}").status_code == 404


def test_a_points_staff_still_see_only_their_own_point(world):
    api = ApiClient(world["agent"])
    assert [c["name"] for c in api.get("/customers").json()["items"]] == ["客户N1"]
    assert [t["id"] for t in api.get("/tickets").json()["items"]] == [world["tickets"]["N1"].pk]


def test_the_console_ticket_list_shows_the_regions_tickets_only(world):
    browser = Client()
    browser.force_login(world["boss"])
    page = browser.get("/tickets/?tab=all").content.decode()
    for code in ("N1", "N2"):
        assert world["tickets"][code].number in page
    for code in ("S1", "X1"):
        assert world["tickets"][code].number not in page


def test_a_regional_manager_acts_on_the_regions_points_only(world):
    boss = world["boss"]
    check_point(actor=boss, service_point_id=world["points"]["N2"].pk)  # no error
    with pytest.raises(NotFound):
        check_point(actor=boss, service_point_id=world["points"]["S1"].pk)
    with pytest.raises(NotFound):
        check_point(actor=boss, service_point_id=None)
    # a ticket of the region: the manager responds; of another region: unknown, unchanged
    api = ApiClient(boss)
    own, other = world["tickets"]["N2"], world["tickets"]["S1"]
    assert api.post(f"/tickets/{own.pk}/actions/respond", {}).status_code == 200
    response = api.post(f"/tickets/{other.pk}/actions/respond", {})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "new"


def test_a_regional_manager_needs_a_region(admin_api):
    response = admin_api.post("/staff", {"username": "rm", "password": "regional-head-2026",
                                         "name": "经理", "role": "regional_manager"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "region"


def test_regions_api(admin_api, agent_api):
    response = admin_api.post("/regions", {"code": "E", "name": "华东大区"})
    assert response.status_code == 201
    assert response.json()["routing"] == "nearest_point"
    assert admin_api.post("/regions", {"code": "E", "name": "又一个"}).status_code == 409
    assert agent_api.post("/regions", {"code": "W", "name": "西部"}).status_code == 403
    assert list(Region.objects.values_list("code", flat=True)) == ["E"]
    region = Region.objects.get()
    point = admin_api.post("/service-points", {"code": "E1", "name": "杭州站", "kind": "branch",
                                               "region": region.pk}).json()
    assert point["region"] == region.pk
    assert ServicePoint.objects.get(code="E1").region == region
    assert [r["code"] for r in admin_api.get("/regions").json()["items"]] == ["E"]


def test_reports_filter_by_region(world, admin_api):
    body = admin_api.get("/reports/sla", {"from": "2026-11-23", "to": "2026-11-23"}).json()
    assert body["tickets"] == 4
    north = admin_api.get("/reports/sla", {"from": "2026-11-23", "to": "2026-11-23",
                                           "region": world["north"].pk}).json()
    assert north["tickets"] == 2
    south = admin_api.get("/reports/sla", {"from": "2026-11-23", "to": "2026-11-23",
                                           "region": world["south"].pk}).json()
    assert south["tickets"] == 1
    boss = ApiClient(world["boss"]).get("/reports/sla", {"from": "2026-11-23",
                                                         "to": "2026-11-23"}).json()
    assert boss["tickets"] == 2
