"""Dealers: records with a checked credit code, their DOA window deciding a return, and the
routing rule for a customer in a county without a service point."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.devices.models import DealerReturn
from aftersales.devices.services import record_dealer_return, register_device
from aftersales.network import routing, selectors, services
from aftersales.network.models import Dealer
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, ProductModelFactory, UserFactory

VALID_USCC = "91110000600037341L"


@pytest.fixture
def region(admin_user):
    return services.create_region(actor=admin_user, code="N", name="华北大区",
                                  routing="dealer")


def test_create_a_dealer_with_its_doa_window(admin_api, region):
    response = admin_api.post("/dealers", {"name": "石家庄通达商贸", "region": region.pk,
                                           "credit_code": VALID_USCC, "doa_days": 15})
    assert response.status_code == 201, response.content
    assert response.json()["doa_days"] == 15
    assert response.json()["credit_code"] == VALID_USCC
    assert [d["name"] for d in admin_api.get("/dealers").json()["items"]] == ["石家庄通达商贸"]


def test_a_bad_credit_code_is_422_and_creates_nothing(admin_api, region):
    response = admin_api.post("/dealers", {"name": "某商贸", "region": region.pk,
                                           "credit_code": "91110000600037341X",
                                           "doa_days": 15})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "credit_code"
    assert Dealer.objects.count() == 0


def test_an_unknown_region_is_422(admin_api):
    response = admin_api.post("/dealers", {"name": "某商贸", "region": 999, "doa_days": 7})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "region"


@pytest.fixture
def sold(admin_user, region):
    dealer = services.create_dealer(actor=admin_user, name="通达", region=region, doa_days=15)
    device = register_device(actor=admin_user, serial="SN-DOA-1", model=ProductModelFactory(),
                             customer=CustomerFactory(), purchase_date=date(2026, 11, 1),
                             sold_by=dealer)
    return dealer, device


@pytest.mark.parametrize(("returned_on", "outcome"), [
    (date(2026, 11, 1), "replace"),
    (date(2026, 11, 16), "replace"),   # day 15: the last day of the window
    (date(2026, 11, 17), "repair"),    # day 16
])
def test_the_dealers_doa_window_decides_a_return(admin_user, sold, returned_on, outcome):
    dealer, device = sold
    assert device.dealer == "通达"  # the text field keeps the name (history)
    record = record_dealer_return(actor=admin_user, device=device, returned_on=returned_on)
    assert (record.outcome, record.doa_days, record.dealer) == (outcome, 15, dealer)


def test_another_dealers_window_is_its_own(admin_user, sold, region):
    dealer, device = sold
    dealer.doa_days = 30
    dealer.save()
    record = record_dealer_return(actor=admin_user, device=device,
                                  returned_on=date(2026, 11, 20))
    assert record.outcome == "replace"


def test_dealer_return_api_and_refusal(admin_api, admin_user, sold, region):
    dealer, device = sold
    response = admin_api.post(f"/devices/{device.serial}/dealer-returns",
                              {"returned_on": "2026-11-10"})
    assert response.status_code == 201
    assert response.json()["outcome"] == "replace"
    other = services.create_dealer(actor=admin_user, name="别家", region=region)
    response = admin_api.post(f"/devices/{device.serial}/dealer-returns",
                              {"returned_on": "2026-11-10", "dealer": other.pk})
    assert response.status_code == 422
    assert DealerReturn.objects.count() == 1


@given(st.dates(max_value=date(2100, 1, 1)), st.integers(min_value=0, max_value=400),
       st.integers(0, 60))
def test_doa_rule_is_the_window(purchase, after, window):
    returned = purchase + timedelta(days=after)
    outcome = routing.dealer_return_outcome(purchase_date=purchase, returned_on=returned,
                                            doa_days=window)
    assert outcome == ("replace" if (returned - purchase).days <= window else "repair")


# -- routing ---------------------------------------------------------------------------------

def P(id, county, km=None):
    return routing.Place("point", id, county, km)


def D(id, county):
    return routing.Place("dealer", id, county)


def test_a_point_in_the_county_always_wins():
    assert routing.route(county="正定县", rule="dealer", points=[P(2, "正定县"), P(1, "桥西区")],
                         dealers=[D(9, "正定县")]) == P(2, "正定县")


def test_dealer_rule_sends_to_the_countys_dealer_else_the_nearest_point():
    points = [P(1, "桥西区", 30.0), P(2, "长安区", 12.5)]
    assert routing.route(county="赞皇县", rule="dealer", points=points,
                         dealers=[D(9, "赞皇县"), D(8, "井陉县")]) == D(9, "赞皇县")
    assert routing.route(county="平山县", rule="dealer", points=points,
                         dealers=[D(9, "赞皇县")]) == P(2, "长安区", 12.5)


def test_nearest_point_rule_ignores_dealers():
    points = [P(1, "桥西区", 30.0), P(2, "长安区", None), P(3, "新华区", 8.0)]
    assert routing.route(county="赞皇县", rule="nearest_point", points=points,
                         dealers=[D(9, "赞皇县")]) == P(3, "新华区", 8.0)
    assert routing.route(county="赞皇县", rule="nearest_point", points=[],
                         dealers=[D(9, "赞皇县")]) is None


def test_route_customer_reads_the_regions_rule(admin_user, region):
    point = services.create_service_point(actor=admin_user, code="N1", name="长安站",
                                          kind="branch", tier="gold", region=region,
                                          county="长安区")
    dealer = services.create_dealer(actor=admin_user, name="赞皇通达", region=region,
                                    county="赞皇县")
    assert selectors.route_customer(region=region, county="赞皇县") == D(dealer.pk, "赞皇县")
    assert selectors.route_customer(region=region, county="长安区").id == point.pk
    region.routing = "nearest_point"
    region.save()
    assert selectors.route_customer(region=region, county="赞皇县").id == point.pk


def test_the_hotline_asks_where_a_county_is_served(admin_user, admin_api, region):
    """GET /regions/{id}/route: a point of the county; a county without one goes to its
    dealer by the region's rule, else the nearest point; another region's staff see 404."""
    point = services.create_service_point(actor=admin_user, code="N1", name="长安站",
                                          kind="branch", tier="gold", region=region,
                                          county="长安区", phone="031100000001",
                                          address="中山东路 1 号")
    dealer = services.create_dealer(actor=admin_user, name="赞皇通达", region=region,
                                    county="赞皇县", phone="031100000009")
    url = f"/regions/{region.pk}/route"
    base = {"region": region.pk, "rule": "dealer"}
    assert admin_api.get(url, {"county": "赞皇县"}).json() == base | {
        "county": "赞皇县", "kind": "dealer", "id": dealer.pk, "name": "赞皇通达",
        "phone": "031100000009", "address": "", "place_county": "赞皇县"}
    assert admin_api.get(url, {"county": "长安区"}).json() == base | {
        "county": "长安区", "kind": "point", "id": point.pk, "name": "长安站",
        "phone": "031100000001", "address": "中山东路 1 号", "place_county": "长安区"}
    # no point and no dealer in the county: the nearest point
    assert admin_api.get(url, {"county": "平山县"}).json()["id"] == point.pk
    region.routing = "nearest_point"
    region.save()
    assert admin_api.get(url, {"county": "赞皇县"}).json()["kind"] == "point"
    # a region with nothing in it answers kind null
    empty = services.create_region(actor=admin_user, code="E", name="空大区")
    assert admin_api.get(f"/regions/{empty.pk}/route", {"county": "赞皇县"}).json()[
        "kind"] is None
    # a point's staff of another region do not see this one
    south = services.create_region(actor=admin_user, code="S", name="华南大区")
    other = services.create_service_point(actor=admin_user, code="S1", name="广州站",
                                          kind="authorized", tier="gold", region=south)
    agent = UserFactory(username="s1-agent", role="agent", service_point=other)
    assert ApiClient(agent).get(url, {"county": "赞皇县"}).status_code == 404
    assert ApiClient(agent).get(f"/regions/{south.pk}/route",
                                {"county": "天河区"}).json()["id"] == other.pk
