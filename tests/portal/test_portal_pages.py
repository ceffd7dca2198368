"""The customer portal's pages (/portal/): track by number + phone, warranty by serial or
IMEI, book a repair, rate a finished job; refusals shown next to the field; rate-limited."""
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp, Ticket
from tests.factories import CustomerFactory, DeviceFactory, ProductModelFactory, UserFactory

from .helpers import remember_phone


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="张伟", phone="13912345678")


@pytest.fixture
def device(customer):
    return DeviceFactory(serial="XY2601000001", customer=customer, imei=None,
                         model=ProductModelFactory(code="X9", name="星耀 X9"),
                         purchase_date=date(2026, 1, 10), invoice_no="FP1",
                         warranty_card_no="K1")


@pytest.fixture
def ticket(customer, device):
    agent = UserFactory(username="agent", role="agent")
    return tickets.open_ticket(actor=agent, customer=customer, device=device, channel="phone",
                               kind="repair", priority="normal", mode="onsite",
                               summary="屏幕不显示")


def test_track_shows_the_stage_timeline(web, ticket):
    # when
    response = web.get("/portal/track/", {"number": ticket.number.lower(), "phone": "139 1234 5678"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.number in html
    assert '<span id="portal-status">新建</span>' in html
    assert "已受理 · <time" in html
    assert "13912345678" not in html  # no personal data on the public page


def test_track_with_a_wrong_phone_finds_nothing(web, ticket):
    # when
    response = web.get("/portal/track/", {"number": ticket.number, "phone": "13800000000"})
    # then
    assert response.status_code == 404
    html = response.content.decode()
    assert "没有与此工单号和电话相符的工单。" in html
    assert "portal-status" not in html


def test_warranty_by_serial(web, device):
    # when
    response = web.get("/portal/warranty/", {"serial": "xy2601000001"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "星耀 X9" in html and "在保" in html and "2027-01-10" in html
    assert "张伟" not in html


def test_warranty_of_an_unknown_unit(web, db):
    response = web.get("/portal/warranty/", {"serial": "NOPE"})
    assert response.status_code == 404
    assert "没有此序列号或 IMEI 的设备。" in response.content.decode()


def test_book_a_repair_opens_a_web_ticket(web, customer):
    # given: the browser confirmed the phone by a code
    remember_phone(web, "13912345678")
    # when
    response = web.post("/portal/book/", {"name": "张伟", "phone": "13912345678",
                                          "summary": "开不了机", "mode": "send_in",
                                          "idempotency_key": "k-1"})
    # then
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.channel, ticket.summary) == (customer.pk, "web", "开不了机")
    assert f"您的预约单号是 {ticket.number}。" in response.content.decode()


def test_a_refused_booking_shows_the_message_next_to_the_field(web, db):
    # when
    remember_phone(web, "13912345678")
    response = web.post("/portal/book/", {"name": "", "summary": "坏了", "mode": "send_in"})
    # then
    assert response.status_code == 422
    assert '<p class="error" role="alert" id="b-name-error">此项为必填项。</p>' in \
        response.content.decode()
    assert Ticket.objects.count() == 0


def test_rate_a_finished_job(web, ticket):
    # given: the job is done and a callback is due
    manager = UserFactory(username="manager", role="manager")
    engineer = UserFactory(username="engineer", role="engineer")
    ticket = tickets.assign(actor=manager, ticket=ticket, engineer=engineer)
    ticket = tickets.resolve(actor=manager, ticket=ticket, resolution="重新插好排线")
    # when
    response = web.post("/portal/rate/", {"number": ticket.number, "phone": "13912345678",
                                          "satisfaction": "4", "comment": "很快"})
    # then
    assert response.status_code == 200
    assert "感谢您的评价。" in response.content.decode()
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert (follow_up.satisfaction, follow_up.comment) == (4, "很快")


def test_rating_needs_stars(web, ticket):
    response = web.post("/portal/rate/", {"number": ticket.number, "phone": "13912345678"})
    assert response.status_code == 422
    assert "请选择 1 到 5 星。" in response.content.decode()


def test_the_portal_is_rate_limited(web, settings, db):
    # given
    settings.PUBLIC_RATE_LIMIT_PER_IP = 3
    # when
    codes = [web.get("/portal/warranty/", {"serial": "NOPE"}).status_code for _ in range(4)]
    # then
    assert codes == [404, 404, 404, 429]
    assert "请求过于频繁" in web.get("/portal/warranty/").content.decode()


def test_portal_pages_render_on_a_phone_in_both_languages(db):
    for language in ("zh-hans", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        for url in ("/portal/", "/portal/track/", "/portal/warranty/", "/portal/book/",
                    "/portal/rate/"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert 'name="viewport" content="width=device-width' in response.content.decode()


def test_the_secret_link_of_the_notifications_needs_no_phone(web, ticket):
    from aftersales.tickets.notifications import tracking_link

    # when: the customer follows the link from the SMS
    path = tracking_link(ticket).split("://", 1)[-1].split("/", 1)[-1]
    response = web.get("/" + path)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span id="portal-status">新建</span>' in html
    assert "13912345678" not in html


def test_a_wrong_secret_finds_nothing(web, ticket):
    response = web.get(f"/portal/t/{ticket.tracking_secret[:-2]}xx")
    assert response.status_code == 404
    assert "portal-status" not in response.content.decode()
