"""The public endpoints: tracking by number + phone (404 otherwise) or by the secret link,
warranty by serial/IMEI without personal data, booking, and rate limiting (429)."""
from datetime import date

import pytest
import time_machine

from aftersales.tickets import services as tickets
from aftersales.tickets.models import Ticket


@pytest.fixture
def customer(customer_factory):
    return customer_factory(name="王先生", phone="13800000001", email="wang@example.cn",
                            address="石家庄裕华路 1 号")


@pytest.fixture
def engineer(user_factory):
    return user_factory(username="pub_tech", name="王工", role="engineer")


@pytest.fixture
def ticket(customer, agent, engineer):
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        made = tickets.open_ticket(actor=agent, customer=customer, channel="phone",
                                   kind="repair", priority="normal", mode="onsite",
                                   summary="屏幕不亮", contact_name="小李",
                                   contact_phone="13900000002")
    with time_machine.travel("2026-11-23 09:05 +0800", tick=False):
        tickets.respond(actor=agent, ticket=made, note="内部备注：客户很急")
        tickets.assign(actor=agent, ticket=made, engineer=engineer)
    made.refresh_from_db()
    return made


def test_track_by_number_and_the_customers_phone(anon_api, ticket):
    # when
    response = anon_api.get(f"/public/tickets/{ticket.number}", {"phone": "13800000001"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["engineer"]) == (
        ticket.number, "assigned", "王工")
    assert [(s["action"], s["at"]) for s in body["stages"]] == [
        ("open", "2026-11-23T01:00:00Z"), ("respond", "2026-11-23T01:05:00Z"),
        ("assign", "2026-11-23T01:05:00Z")]
    assert set(body) == {"number", "status", "kind", "mode", "received_at", "stages",
                         "engineer", "appointment", "custody", "resolved_at"}


def test_no_personal_data_or_internal_notes_leave(anon_api, ticket):
    text = anon_api.get(f"/public/tickets/{ticket.number}", {"phone": "13900000002"}).text
    for secret in ("王先生", "13800000001", "13900000002", "石家庄裕华路", "内部备注",
                   "wang@example.cn", ticket.tracking_secret):
        assert secret not in text


def test_the_callers_phone_works_too_and_formats_are_forgiven(anon_api, ticket):
    for phone in ("13900000002", "+86 139 0000 0002", "139-0000-0002"):
        response = anon_api.get(f"/public/tickets/{ticket.number.lower()}", {"phone": phone})
        assert response.status_code == 200, phone


@pytest.mark.parametrize("phone", ["13800000009", "", "0001"])
def test_a_wrong_phone_is_404_like_a_missing_ticket(anon_api, ticket, phone):
    wrong = anon_api.get(f"/public/tickets/{ticket.number}", {"phone": phone})
    missing = anon_api.get("/public/tickets/SR20991231-9999", {"phone": "13800000001"})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()
    assert wrong.json()["error"]["code"] == "not_found"


def test_the_secret_link_needs_no_phone(anon_api, ticket):
    response = anon_api.get(f"/public/tickets/by-secret/{ticket.tracking_secret}")
    assert response.status_code == 200
    assert response.json()["number"] == ticket.number
    assert anon_api.get("/public/tickets/by-secret/guess").status_code == 404


def test_send_in_custody_and_appointment_are_visible(anon_api, customer, agent):
    # given
    made = tickets.open_ticket(actor=agent, customer=customer, channel="web", kind="repair",
                               priority="normal", mode="send_in", summary="寄修")
    tickets.receive(actor=agent, ticket=made, condition="外壳划痕", accessories=["充电器"])
    # when
    body = anon_api.get(f"/public/tickets/by-secret/{made.tracking_secret}").json()
    # then
    assert body["custody"]["state"] == "received"
    assert body["custody"]["label"].startswith("CU")
    assert body["appointment"] is None


def test_warranty_by_serial_or_imei_without_personal_data(anon_api, device_factory, customer):
    # given
    device = device_factory(serial="XY2603000001", customer=customer,
                            purchase_date=date(2026, 3, 15), invoice_no="FP1",
                            warranty_card_no="K1")
    # when
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        by_serial = anon_api.get("/public/warranty/XY2603000001")
        by_imei = anon_api.get(f"/public/warranty/{device.imei}")
    # then
    assert by_serial.status_code == 200
    assert by_serial.json() == {"model": device.model.code, "model_name": device.model.name,
                                "warranty_ends": "2027-03-15", "in_warranty": True}
    assert by_imei.json() == by_serial.json()
    assert anon_api.get("/public/warranty/NOPE").status_code == 404


def test_tracking_is_limited_per_ticket_number(anon_api, ticket, settings):
    # given: 3 tries per number per window, many addresses
    settings.PUBLIC_RATE_LIMIT_PER_TICKET = 3
    settings.PUBLIC_RATE_LIMIT_PER_IP = 100
    url = f"/public/tickets/{ticket.number}"
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [anon_api.get(url, {"phone": f"1380000000{n}"},
                              REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]
        # the right phone is refused too while the number is locked
        locked = anon_api.get(url, {"phone": "13800000001"}, REMOTE_ADDR="10.0.0.9")
        other = anon_api.get("/public/warranty/NOPE", REMOTE_ADDR="10.0.0.9")
    # then
    assert codes == [404, 200, 404, 429, 429]  # n=1 is the right phone
    assert locked.status_code == 429
    assert locked.json() == {"error": {"code": "rate_limited", "field": None,
                                       "message": locked.json()["error"]["message"]}}
    assert other.status_code == 404
    # and a new window opens again
    with time_machine.travel("2026-11-23 10:01:05 +0800", tick=False):
        assert anon_api.get(url, {"phone": "13800000001"}).status_code == 200


def test_a_client_address_is_limited_across_endpoints(anon_api, settings):
    settings.PUBLIC_RATE_LIMIT_PER_IP = 2
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [anon_api.get("/public/warranty/NOPE", REMOTE_ADDR="10.1.1.1").status_code,
                 anon_api.get("/public/tickets/by-secret/x", REMOTE_ADDR="10.1.1.1").status_code,
                 anon_api.post("/public/bookings", {"name": "x", "phone": "13700000007",
                                                    "summary": "s"},
                               REMOTE_ADDR="10.1.1.1").status_code,
                 anon_api.get("/public/warranty/NOPE", REMOTE_ADDR="10.1.1.2").status_code]
    assert codes == [404, 404, 429, 404]
    assert Ticket.objects.count() == 0


def test_public_endpoints_are_in_the_openapi_without_auth(anon_api):
    spec = anon_api.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/public/tickets/{number}", "/api/v1/public/tickets/by-secret/{secret}",
                 "/api/v1/public/warranty/{serial}", "/api/v1/public/bookings"):
        operations = paths[path].values()
        assert all("security" not in op for op in operations), path


def test_behind_a_proxy_the_configured_header_names_the_client(anon_api, settings):
    # given: every request arrives from the proxy's address
    settings.PUBLIC_RATE_LIMIT_PER_IP = 1
    settings.PUBLIC_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [anon_api.get("/public/warranty/NOPE", REMOTE_ADDR="10.9.9.9",
                              HTTP_X_REAL_IP=ip).status_code
                 for ip in ("1.1.1.1", "2.2.2.2", "1.1.1.1")]
    # then: each client has its own window
    assert codes == [404, 404, 429]


def test_a_booking_is_tracked_by_its_number_and_phone_right_after_step_one(anon_api):
    booking = anon_api.post("/public/bookings", {"name": "赵女士", "phone": "13700000007",
                                                 "summary": "洗衣机不转"}).json()
    tracked = anon_api.get(f"/public/tickets/{booking['number']}", {"phone": "137 0000 0007"})
    assert tracked.status_code == 200
    assert (tracked.json()["number"], tracked.json()["status"], tracked.json()["kind"]) == (
        booking["number"], "new", "repair")
    assert anon_api.get(f"/public/tickets/{booking['number']}",
                        {"phone": "13800000001"}).status_code == 404
