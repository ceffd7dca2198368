"""GET /tickets: every filter, a fixed number of queries, no leak across service points;
GET /tickets/{id}; dispatch suggestions."""
from datetime import UTC, date, datetime

import pytest
import time_machine

from aftersales.core import keyset
from aftersales.network.services import record_certificate
from aftersales.tickets.models import Ticket
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, DeviceFactory, ProductModelFactory, UserFactory

from .conftest import act
from .factories import open_test_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ids(response):
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


def test_filters(make_ticket, hotline, hotline_api, tech, customer, device, point, frozen):
    # given tickets that differ in one thing each
    other_customer = CustomerFactory(name="石家庄钢铁", phone="13800000099", service_point=point)
    other_device = DeviceFactory(serial="SN00000077", customer=other_customer)
    by_phone = make_ticket(contact_phone="13912345678", summary="打印机卡纸", device=None)
    other = open_test_ticket(actor=hotline, customer=other_customer, device=other_device,
                             summary="主板故障")
    assigned = make_ticket(summary="屏幕闪烁")
    act(hotline_api, assigned, "assign", engineer=tech.pk)
    act(hotline_api, other, "respond")
    # then
    assert ids(hotline_api.get("/tickets")) == [assigned.pk, other.pk, by_phone.pk]
    assert ids(hotline_api.get("/tickets", {"status": "assigned"})) == [assigned.pk]
    assert ids(hotline_api.get("/tickets", {"status": "new,responded"})) == [other.pk,
                                                                              by_phone.pk]
    assert ids(hotline_api.get("/tickets", {"customer": other_customer.pk})) == [other.pk]
    assert ids(hotline_api.get("/tickets", {"serial": "sn00000077"})) == [other.pk]
    assert ids(hotline_api.get("/tickets", {"serial": device.imei})) == [assigned.pk]
    assert ids(hotline_api.get("/tickets", {"phone": "139-1234-5678"})) == [by_phone.pk]
    assert ids(hotline_api.get("/tickets", {"phone": "13800000099"})) == [other.pk]
    assert ids(hotline_api.get("/tickets", {"q": "卡纸"})) == [by_phone.pk]
    assert ids(hotline_api.get("/tickets", {"q": other.number.lower()})) == [other.pk]
    assert ids(hotline_api.get("/tickets", {"engineer": tech.pk})) == [assigned.pk]
    assert ids(hotline_api.get("/tickets", {"service_point": point.pk})) == [
        assigned.pk, other.pk, by_phone.pk]
    assert ids(hotline_api.get("/tickets", {"breached": "true"})) == []
    # when 11 minutes pass, the two not answered breach their response target
    frozen.move_to(datetime(2026, 11, 23, 2, 11, tzinfo=UTC))
    client = ApiClient(hotline)
    assert ids(client.get("/tickets", {"breached": "true"})) == [assigned.pk, by_phone.pk]
    assert ids(client.get("/tickets", {"breached": "false"})) == [other.pk]


def test_unknown_status_is_422(hotline_api):
    response = hotline_api.get("/tickets", {"status": "lost"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "status")


def _make_many(n, customer, hotline, tech):
    for i in range(n):
        device = DeviceFactory(customer=customer,
                               model=ProductModelFactory(code=f"M-{n}-{i}"))
        ticket = open_test_ticket(actor=hotline, customer=customer, device=device)
        if i % 2:
            from aftersales.tickets.services import assign
            assign(actor=hotline, ticket=ticket, engineer=tech)


@pytest.mark.parametrize("params", [{}, {"status": "new"}, {"breached": "true"},
                                    {"q": "屏幕"}, {"phone": "13800000001"}])
def test_list_costs_the_same_for_1_and_50_tickets(customer, hotline, hotline_api, tech,
                                                   django_assert_num_queries, params):
    # given one ticket
    _make_many(1, customer, hotline, tech)
    # then: auth + one page query (+ the customers with that phone, looked up first)
    expected = 3 if "phone" in params else 2
    with django_assert_num_queries(expected):
        one = hotline_api.get("/tickets", params)
    # given 50
    _make_many(49, customer, hotline, tech)
    with django_assert_num_queries(expected):
        many = hotline_api.get("/tickets", {**params, "page_size": 200})
    assert one.status_code == many.status_code == 200
    if not params or params.get("q") or params.get("phone"):
        assert (len(one.json()["items"]), len(many.json()["items"])) == (1, 50)


def test_pages(customer, hotline, hotline_api, tech):
    _make_many(3, customer, hotline, tech)
    first = hotline_api.get("/tickets", {"page_size": 2}).json()
    assert len(first["items"]) == 2
    # the next page by its number, plus a keyset cursor (tests/tickets/test_keyset_pages.py)
    newest_two = sorted(Ticket.objects.values_list("pk", flat=True), reverse=True)[:2]
    assert first["next"] == ("http://testserver/api/v1/tickets?page_size=2&page=2&cursor="
                             + keyset.encode(keyset.AFTER, [newest_two[-1]]))


def test_another_service_points_ticket_never_leaks(make_ticket, other_point):
    # given a ticket of point SJZ and staff of point BJ
    ticket = make_ticket()
    outsider = ApiClient(UserFactory(username="bj_manager", role="manager",
                                     service_point=other_point))
    # when / then
    assert outsider.get(f"/tickets/{ticket.pk}").status_code == 404
    assert ids(outsider.get("/tickets")) == []
    assert ids(outsider.get("/tickets", {"service_point": ticket.service_point_id})) == []
    response = act(outsider, ticket, "respond")
    assert response.status_code == 404
    assert outsider.get(f"/tickets/{ticket.pk}/suggestions").status_code == 404
    assert outsider.patch(f"/tickets/{ticket.pk}/complaint", {"cause": "x"}).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_hq_staff_see_every_point(make_ticket, admin_api):
    ticket = make_ticket()
    assert admin_api.get(f"/tickets/{ticket.pk}").status_code == 200


def test_detail_costs_a_fixed_number_of_queries(make_ticket, hotline_api, tech_api, tech,
                                                django_assert_max_num_queries):
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    for _ in range(2):
        act(tech_api, ticket, "arrive")
        act(tech_api, ticket, "depart", outcome="revisit")
    with django_assert_max_num_queries(12):
        detail = hotline_api.get(f"/tickets/{ticket.pk}").json()
    assert [v["trip_no"] for v in detail["visits"]] == [1, 2]
    assert [e["action"] for e in detail["events"]] == ["open", "assign", "arrive", "depart",
                                                       "arrive", "depart"]
    assert detail["charges"] == {"lines": [], "total": "0.00", "paid": "0.00",
                                 "outstanding": "0.00", "due_on": None}


def test_suggestions_rank_skill_point_and_load(make_ticket, hotline, hotline_api, tech,
                                               other_tech, point, customer, device):
    # given: tech holds the phone certificate but has 2 open jobs; a second certified phone
    # engineer has none; other_tech's phone certificate has expired (a typed skill counts for
    # nothing); an HQ phone engineer is not at the ticket's point
    idle = UserFactory(username="tech3_sjz", name="孙工", role="engineer", service_point=point)
    hq_engineer = UserFactory(username="tech_hq", name="周工", role="engineer")
    root = UserFactory(username="cert_admin", role="admin", is_superuser=True)
    for person in (tech, idle, hq_engineer):
        record_certificate(actor=root, user=person, category="手机",
                           valid_from=date(2026, 1, 1), valid_until=date(2027, 1, 1))
    record_certificate(actor=root, user=idle, category="平板", valid_from=date(2026, 1, 1),
                       valid_until=date(2027, 1, 1))
    other_tech.skills = ["手机"]
    other_tech.save()
    record_certificate(actor=root, user=other_tech, category="手机",
                       valid_from=date(2025, 1, 1), valid_until=date(2026, 11, 22))
    for _ in range(2):
        busy = make_ticket()
        act(hotline_api, busy, "assign", engineer=tech.pk)
    ticket = make_ticket()
    # when an HQ dispatcher asks (sees every point)
    admin = ApiClient(UserFactory(username="hq_dispatch", role="manager"))
    items = admin.get(f"/tickets/{ticket.pk}/suggestions").json()["items"]
    # then: tech served this customer before (the two busy jobs), so comes first
    assert [(i["engineer"], i["skill_match"], i["same_point"], i["open_load"])
            for i in items] == [(tech.pk, True, True, 2), (idle.pk, True, True, 0),
                                (hq_engineer.pk, True, False, 0),
                                (other_tech.pk, False, True, 0)]
    # and a point's agent sees only the point's engineers
    local = [i["engineer"] for i in hotline_api.get(
        f"/tickets/{ticket.pk}/suggestions").json()["items"]]
    assert local == [tech.pk, idle.pk, other_tech.pk]
