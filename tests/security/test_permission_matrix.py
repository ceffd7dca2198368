"""Issue 11 "In CI": a permission matrix over EVERY API endpoint (read from the OpenAPI
document, so a new endpoint is covered the day it lands) and every console page, for every
role × a user of the records' own service point and of another point (for the regional
manager: of the records' own region and of another region, no point of their own).

What must hold in every cell:
- no 5xx, and under /api/ every refusal is in the error shape;
- without a token, every non-public endpoint answers 401;
- a user of another service point never gets a 2xx on a record of this point, and never
  sees this point's customer, unit or ticket in any list;
- the role rules of the issue: the finance views only for finance/manager/admin (API and
  console alike), payments not for agents or warehouse keepers;
- a regional manager sees exactly the region's points: the records of a point of the region
  open, another region's never (the "other" side above).
"""
import json
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.api import api
from aftersales.core.api import issue_token
from aftersales.inventory.services import create_requisition
from aftersales.network.models import Deposit, Region
from aftersales.notifications.services import raise_alert
from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    PartFactory,
    ServicePointFactory,
    UserFactory,
)
from tests.inventory.factories import WarehouseFactory

ROLES = ("admin", "manager", "regional_manager", "agent", "engineer", "warehouse", "finance")
MARKERS = ("石家庄客户甲", "13811112222", "SN-SJZ-0001")
SHARED = {"code", "sku", "article_id",  # catalog records every point shares
          "kind", "year"}  # an import kind (its template), a year (the actor's own summary)
FINANCE_ONLY = {("GET", "/api/v1/finance/debts"), ("GET", "/api/v1/finance/takings"),
                ("GET", "/api/v1/finance/subsidies"),
                ("POST", "/api/v1/finance/subsidies/settle")}
#: Bodies that pass validation, so the cell shows the authorization decision (others get {}).
BODIES = {("POST", "/api/v1/finance/subsidies/settle"): {"month": "2026-10"}}
NOT_FOR = {("POST", "/api/v1/payments"): {"agent", "warehouse"}}


def _operations():
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, bool(operation.get("security"))


_ALL = list(_operations())  # the document once: building it takes seconds
OPERATIONS = sorted({(method, path) for method, path, _ in _ALL})
#: Operations the document says need the bearer token (the others are public or signed).
BEARER = {(method, path) for method, path, secured in _ALL if secured}


@pytest.fixture
def world(db):
    hq = ServicePointFactory(code="HQ", kind="hq", tier="diamond")
    hebei = Region.objects.create(code="HE", name="河北大区")
    north = Region.objects.create(code="BJR", name="北京大区")
    sjz = ServicePointFactory(code="SJZ", name="石家庄站", region=hebei)
    bj = ServicePointFactory(code="BJ", name="北京站", region=north)
    users = {(role, side): UserFactory(username=f"{role}_{side}", role=role,
                                       service_point=None if role == "regional_manager" else point,
                                       region=region if role == "regional_manager" else None,
                                       is_superuser=role == "admin", is_staff=role == "admin")
             for role in ROLES
             for side, point, region in (("own", sjz, hebei), ("other", bj, north))}
    customer = CustomerFactory(name="石家庄客户甲", phone="13811112222", service_point=sjz)
    device = DeviceFactory(serial="SN-SJZ-0001", customer=customer)
    agent = users[("agent", "own")]
    ticket = tickets.open_ticket(actor=agent, customer=customer, device=device,
                                 channel="phone", kind="repair", priority="normal",
                                 mode="onsite", summary="屏幕不亮")
    tickets.respond(actor=agent, ticket=ticket)
    tickets.assign(actor=agent, ticket=ticket, engineer=users[("engineer", "own")])
    Deposit.objects.create(service_point=sjz, amount=Decimal("1000.00"))
    store = WarehouseFactory(code="SJZ-01", service_point=sjz)
    hq_store = WarehouseFactory(code="HQ-01", service_point=hq)
    part = PartFactory(sku="SCR-1", cost="10.00")
    requisition = create_requisition(actor=users[("warehouse", "own")],
                                     from_warehouse=hq_store, to_warehouse=store,
                                     lines=[{"part": part, "qty": 1}])
    alert, _ = raise_alert(kind="response_overdue", ticket=ticket, for_role="manager",
                           message="逾期")
    follow_up = FollowUp.objects.create(ticket=ticket, due_at=ticket.created_at)
    ids = {"ticket_id": ticket.pk, "customer_id": customer.pk, "serial": device.serial,
           "point_id": sjz.pk, "warehouse_id": store.pk, "requisition_id": requisition.pk,
           "alert_id": alert.pk, "follow_up_id": follow_up.pk,
           "action": "respond", "number": ticket.number,
           "secret": "nope", "booking_id": "nope", "code": "NOPE", "sku": "NOPE",
           "kind": "customers"}
    return {"users": users, "ids": ids, "ticket": ticket}


#: answers in the payment provider's own shape ({"code": "FAIL", "message"}), its contract
PROVIDER_SHAPED = {"/api/v1/public/payments/{provider}/notify"}


def _url(path, ids):
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    while "{" in path:  # a record kind the world does not build: an id that does not exist
        start, end = path.index("{"), path.index("}")
        path = path[:start] + "999999" + path[end + 1:]
    return path


def _call(client, method, url, headers, body=None):
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json",
                          **headers)


def _names_record_of_this_point(path):
    params = {p.strip("{}") for p in path.split("/") if p.startswith("{")}
    return bool(params) and not params & SHARED and not path.startswith("/api/v1/public/")


def test_every_api_endpoint_for_every_role_and_side(world):
    client = Client()
    problems = []
    for role in ROLES:
        for side in ("own", "other"):
            user = world["users"][(role, side)]
            headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}"}
            for method, path in OPERATIONS:
                if (method, path) == ("DELETE", "/api/v1/auth/token"):
                    continue  # would revoke the token of the rest of this row
                url = _url(path, world["ids"])
                response = _call(client, method, url, headers, BODIES.get((method, path)))
                cell = f"{role}/{side} {method} {url}: {response.status_code}"
                status = response.status_code
                if status >= 500:
                    problems.append(cell + " (server error)")
                if status >= 400 and path not in PROVIDER_SHAPED and set(
                        response.json().get("error", {})) != {
                        "code", "message", "field"}:
                    problems.append(cell + " (not the error shape)")
                if side == "other" and _names_record_of_this_point(path) and status < 300:
                    problems.append(cell + " (another point's record)")
                if side == "other" and method == "GET" and status == 200:
                    text = response.content.decode(errors="replace")  # xlsx templates are binary
                    leaked = [m for m in MARKERS if m in text]
                    if leaked and not path.startswith("/api/v1/public/"):
                        problems.append(cell + f" (shows {leaked})")
                if (method, path) in FINANCE_ONLY and role not in (
                        "admin", "manager", "finance") and status != 403:
                    problems.append(cell + " (finance only)")
                if role in NOT_FOR.get((method, path), ()) and status not in (403, 422):
                    problems.append(cell + " (role may not)")
    assert problems == []


def test_without_a_token_every_bearer_endpoint_is_401(world):
    client = Client()
    problems = []
    assert len(BEARER) > 50
    for method, path in sorted(BEARER):
        response = _call(client, method, _url(path, world["ids"]), {})
        if response.status_code != 401:
            problems.append(f"{method} {path}: {response.status_code}")
    assert problems == []


def _console_pages(ids):
    t, c, r = ids["ticket_id"], ids["customer_id"], ids["requisition_id"]
    a, f = ids["alert_id"], ids["follow_up_id"]
    return [("GET", "/", False), ("GET", "/customers/hotline/", False),
            ("GET", "/customers/new/", False), ("GET", f"/customers/{c}/", True),
            ("GET", "/tickets/", False), ("GET", "/tickets/export.xlsx", False),
            ("GET", f"/tickets/new/{c}/", True), ("GET", f"/tickets/{t}/", True),
            ("GET", f"/tickets/{t}/opened/", True),
            ("POST", f"/tickets/{t}/actions/respond/", True),
            ("GET", f"/tickets/{t}/service-form.pdf", True),
            ("GET", f"/tickets/{t}/quote.pdf", True), ("GET", f"/tickets/{t}/label.pdf", True),
            ("GET", "/tickets/dispatch/", False), ("GET", "/tickets/my-day/", False),
            ("GET", f"/tickets/my-day/{t}/", True), ("GET", "/warehouse/", False),
            ("POST", f"/warehouse/requisitions/{r}/approve/", True),
            ("GET", "/finance/", False), ("POST", "/finance/payments/", False),
            ("GET", "/finance/debts.xlsx", False), ("POST", "/finance/cash/handovers/", False),
            # console12: the ticket story's notes, attachments and payments, the alerts
            ("POST", f"/tickets/{t}/notes/", True), ("POST", f"/tickets/{t}/attachments/", True),
            ("POST", f"/tickets/{t}/payments/", True),
            ("GET", f"/tickets/{t}/payments/999999/receipt/", True),
            ("POST", "/tickets/dispatch/move/", False),
            ("GET", "/alerts/", False), ("GET", "/alerts/export.xlsx", False),
            ("POST", f"/alerts/{a}/acknowledge/", True),
            ("POST", f"/alerts/callbacks/{f}/", True),
            # network18: the directory; and the other pages of the console
            ("GET", "/network/directory/", False), ("GET", "/warehouse/stock.xlsx", False),
            ("GET", "/reports/", False), ("GET", "/reports/dashboard/", False),
            ("GET", "/imports/", False), ("GET", "/followup/", False),
            ("GET", "/telephony/pop/", False)]

#: console pages that show or move money: the same readers as the API's /finance/*
FINANCE_PAGES = ("/finance/", "/finance/payments/", "/finance/debts.xlsx")
#: receiving an engineer's cash: finance and admin, as POST /api/v1/cash/handovers
HANDOVER = "/finance/cash/handovers/"


def test_every_console_page_for_every_role_and_side(world):
    problems = []
    for role in ROLES:
        for side in ("own", "other"):
            web = Client()
            web.force_login(world["users"][(role, side)])
            for method, url, names_record in _console_pages(world["ids"]):
                response = web.get(url) if method == "GET" else web.post(url, {})
                status = response.status_code
                cell = f"{role}/{side} {method} {url}: {status}"
                if status >= 500:
                    problems.append(cell + " (server error)")
                if side == "other" and names_record and status < 300:
                    problems.append(cell + " (another point's record)")
                if side == "other" and method == "GET" and status == 200 and \
                        response.get("Content-Type", "").startswith("text/html"):
                    leaked = [m for m in MARKERS if m in response.content.decode()]
                    if leaked:
                        problems.append(cell + f" (shows {leaked})")
                if url in FINANCE_PAGES and role not in (
                        "admin", "manager", "finance") and status != 403:
                    problems.append(cell + " (finance only)")
                if url == HANDOVER and role not in ("admin", "finance") and status != 403:
                    problems.append(cell + " (cash hand-over: finance only)")
    assert problems == []


def test_anonymous_console_pages_ask_for_login(world):
    web = Client()
    for method, url, _names in _console_pages(world["ids"]):
        response = web.get(url) if method == "GET" else web.post(url, {})
        if url == "/":
            assert response.status_code == 302
            continue
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), url


def test_a_regional_manager_sees_exactly_the_regions_points(world):
    """network18: the region's point's records open and list for the region's manager; the
    other region's manager gets 404 and empty lists (the matrix above checks every cell)."""
    client = Client()
    ids = world["ids"]
    answers = {}
    for side in ("own", "other"):
        headers = {"HTTP_AUTHORIZATION":
                   f"Bearer {issue_token(world['users'][('regional_manager', side)])}"}
        answers[side] = [
            client.get(f"/api/v1/tickets/{ids['ticket_id']}", **headers).status_code,
            client.get(f"/api/v1/customers/{ids['customer_id']}", **headers).status_code,
            len(client.get("/api/v1/tickets", **headers).json()["items"]),
            len(client.get("/api/v1/customers", **headers).json()["items"])]
    assert answers == {"own": [200, 200, 1, 1], "other": [404, 404, 0, 0]}
    web = Client()
    web.force_login(world["users"][("regional_manager", "own")])
    assert web.get(f"/tickets/{ids['ticket_id']}/").status_code == 200
    assert web.get(f"/customers/{ids['customer_id']}/").status_code == 200
    web.force_login(world["users"][("regional_manager", "other")])
    assert web.get(f"/tickets/{ids['ticket_id']}/").status_code == 404
    assert web.get(f"/customers/{ids['customer_id']}/").status_code == 404
