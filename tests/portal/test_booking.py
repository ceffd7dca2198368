"""Booking a visit a dispatcher can use: the address with its fee zone derived by the
documented rule, a half-day the serving point offers (statutory calendar, working hours),
the unit by serial or by model (both optional), fault photos (images only, limited), and a
confirmation with the number, the call-back time of the configured target and the hotline."""
import re
from datetime import date, time
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from aftersales.customers.models import Customer
from aftersales.notifications.models import Outbox
from aftersales.portal import zones
from aftersales.portal.models import Booking, BookingPhoto, PortalPolicy
from aftersales.portal.slots import offered
from aftersales.tickets.models import SLATarget, Ticket, WorkingWindow
from tests.factories import ProductModelFactory, ServicePointFactory

from .helpers import remember_phone

NOW = "2026-09-29 10:00 +0800"  # a Tuesday before the National Day holidays


def png(color=(200, 0, 0), size=(40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def points(db):
    return {
        "sjz": ServicePointFactory(code="SJZ", name="石家庄服务站", province="河北省",
                                   city="石家庄市", address="中山路 1 号", phone="03111234567"),
        "bd": ServicePointFactory(code="BD", name="保定服务站", province="河北省", city="保定市"),
    }


@pytest.fixture
def policy(db):
    row = PortalPolicy.current()
    row.hotline, row.booking_days_ahead = "400-820-0000", 4
    row.save()
    return row


@pytest.fixture
def web():
    return remember_phone(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), "13700000007")


def form(**extra):
    values = {"name": "刘女士", "phone": "13700000007", "summary": "洗衣机不脱水",
              "mode": "onsite", "province": "河北省", "city": "石家庄市", "district": "裕华区",
              "street": "槐安路 88 号 3 单元 501", "slot": "2026-09-30|pm",
              "idempotency_key": "b-1"}
    values.update(extra)
    return values


# -- the zone rule (pure) ----------------------------------------------------------------

PLACES = [zones.Place(1, "河北省", "石家庄市"), zones.Place(2, "河北", "保定")]


@pytest.mark.parametrize("province,city,district,expected", [
    ("河北省", "石家庄市", "裕华区", ("city", 1, "same_city")),
    ("河北", "石家庄", "", ("city", 1, "same_city")),
    ("河北省", "石家庄市", "正定县", ("prefecture", 1, "county_of_city")),
    ("河北省", "石家庄市", "辛集市", ("prefecture", 1, "county_of_city")),
    ("河北省", "保定市", "竞秀区", ("city", 2, "same_city")),
    ("河北省", "邯郸市", "丛台区", ("province", 1, "same_province")),
    ("山东省", "济南市", "历下区", ("province", None, "no_point_near")),
])
def test_the_zone_follows_the_serving_points_place(province, city, district, expected):
    answer = zones.derive_zone(province=province, city=city, district=district, places=PLACES)
    assert (answer.zone, answer.point_id, answer.reason) == expected


# -- half-days ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_half_days_skip_holidays_and_follow_the_points_hours(points):
    # given: the Baoding point works 08:00-11:30 only
    WorkingWindow.objects.create(service_point=points["bd"], starts=time(8), ends=time(11, 30))
    # when
    default = offered(service_point_id=points["sjz"].pk, days=4)
    baoding = offered(service_point_id=points["bd"].pk, days=2)
    # then: National Day (10-01..10-07) is skipped, the adjusted Saturday 10-10 is offered
    assert [(h.day, h.slot, h.starts, h.ends) for h in default] == [
        (date(2026, 9, 30), "am", time(9), time(12)), (date(2026, 9, 30), "pm", time(13, 30), time(18)),
        (date(2026, 10, 8), "am", time(9), time(12)), (date(2026, 10, 8), "pm", time(13, 30), time(18)),
        (date(2026, 10, 9), "am", time(9), time(12)), (date(2026, 10, 9), "pm", time(13, 30), time(18)),
        (date(2026, 10, 10), "am", time(9), time(12)), (date(2026, 10, 10), "pm", time(13, 30), time(18))]
    assert [(h.day, h.slot) for h in baoding] == [(date(2026, 9, 30), "am"),
                                                  (date(2026, 10, 8), "am")]


# -- the portal page ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_visit_booked_with_address_slot_model_and_photos(web, points, policy):
    # given
    ProductModelFactory(code="WM7", name="滚筒洗衣机 WM7", category="洗衣机")
    photos = [SimpleUploadedFile("a.png", png(), content_type="image/png"),
              SimpleUploadedFile("b.png", png((0, 0, 200)), content_type="image/png")]
    # when
    response = web.post("/portal/book/", {**form(model="WM7"), "photos": photos})
    # then
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    booking = Booking.objects.get(ticket=ticket)
    assert (booking.zone, booking.zone_reason, booking.preferred_date, booking.slot,
            booking.product_model.code) == ("city", "same_city", date(2026, 9, 30), "pm", "WM7")
    assert booking.address == "河北省石家庄市裕华区槐安路 88 号 3 单元 501"
    assert ticket.description == (
        "上门地址：河北省石家庄市裕华区槐安路 88 号 3 单元 501（收费区域：市区）\n"
        "期望时间：2026-09-30 下午\n型号：滚筒洗衣机 WM7")
    customer = ticket.customer
    assert (customer.zone, customer.service_point_id, customer.address) == (
        "city", points["sjz"].pk, "河北省石家庄市裕华区槐安路 88 号 3 单元 501")
    assert ticket.service_point_id == points["sjz"].pk
    assert [(p.content_type, p.size > 0) for p in BookingPhoto.objects.order_by("id")] == [
        ("image/png", True), ("image/png", True)]
    # and the confirmation: number, call-back by the configured first-response target, hotline
    html = response.content.decode()
    assert f"您的预约单号是 {ticket.number}。" in html
    assert "我们将在 2026-09-29 10:10 前给您回电。" in html
    assert "400-820-0000" in html


@time_machine.travel(NOW, tick=False)
def test_the_promised_call_back_follows_the_configured_target(web, points, policy):
    # given: the first-response target is changed to 30 minutes
    SLATarget.objects.filter(name="respond", priority="", mode="", kind="").update(amount=30)
    # when
    response = web.post("/portal/book/", form())
    # then
    assert "我们将在 2026-09-29 10:30 前给您回电。" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_county_of_the_city_is_the_prefecture_zone(web, points, policy):
    web.post("/portal/book/", form(district="正定县"))
    booking = Booking.objects.get()
    assert (booking.zone, booking.ticket.customer.zone) == ("prefecture", "prefecture")


@time_machine.travel(NOW, tick=False)
def test_the_serial_is_truly_optional(web, points, policy):
    response = web.post("/portal/book/", form(serial=""))
    assert response.status_code == 200
    assert Ticket.objects.get().device_id is None


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("changes,field,message", [
    ({"street": ""}, "street", "此项为必填项。"),
    ({"slot": ""}, "slot", "请选择期望的日期和时段。"),
    ({"slot": "2026-10-01|am"}, "slot", "该时段不可预约，请从列表中选择。"),  # a holiday
    ({"slot": "2026-09-29|pm"}, "slot", "该时段不可预约，请从列表中选择。"),  # today
    ({"slot": "next week|am"}, "slot", "请从列表中选择日期。"),
    ({"model": "NOPE"}, "model", "请从列表中选择型号。"),
])
def test_a_refused_booking_says_why_next_to_the_field_and_books_nothing(web, points, policy,
                                                                       changes, field, message):
    response = web.post("/portal/book/", form(**changes))
    assert response.status_code == 422
    html = response.content.decode()
    assert f'<p class="error" role="alert" id="b-{field}-error">{message}</p>' in html
    assert (Ticket.objects.count(), Customer.objects.count(), Booking.objects.count()) == (0, 0, 0)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("files,message", [
    (lambda: [SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")],
     "只能上传照片（JPEG、PNG 或 WebP）。"),
    (lambda: [SimpleUploadedFile(f"{i}.png", png(), content_type="image/png") for i in range(6)],
     "最多 5 张照片。"),
    (lambda: [SimpleUploadedFile("big.png", png(size=(900, 900)) + b"\0" * 1024,
                                 content_type="image/png")], "每张照片最大 1 KB。"),
])
def test_only_a_few_small_images_are_taken(web, points, policy, files, message):
    policy.photo_max_kb = 1 if "1 KB" in message else 5120
    policy.save()
    response = web.post("/portal/book/", {**form(), "photos": files()})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (Ticket.objects.count(), BookingPhoto.objects.count()) == (0, 0)


@time_machine.travel(NOW, tick=False)
def test_booking_on_the_page_needs_a_confirmed_phone(points, policy):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = anonymous.get("/portal/book/").content.decode()
    assert 'id="confirm-first"' in page and "/portal/login/?next=%2Fportal%2Fbook%2F" in page
    response = anonymous.post("/portal/book/", form())
    assert 'id="confirm-first"' in response.content.decode()
    assert Ticket.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_phone_booked_is_the_confirmed_one(web, points, policy):
    web.post("/portal/book/", form(phone="13800000001"))
    assert Ticket.objects.get().contact_phone == "13700000007"


@time_machine.travel(NOW, tick=False)
def test_the_slots_follow_the_address_as_it_is_typed(web, points, policy):
    WorkingWindow.objects.create(service_point=points["bd"], starts=time(8), ends=time(11, 30))
    html = web.get("/portal/book/slots", {"province": "河北省", "city": "保定市",
                                          "district": "竞秀区"}).content.decode()
    assert 'value="2026-09-30|am"' in html and "08:00–11:30" in html
    assert 'value="2026-09-30|pm"' not in html


@time_machine.travel(NOW, tick=False)
def test_the_api_books_with_address_and_slot_and_answers_the_promise(anon_api, points, policy):
    # when
    slots = anon_api.get("/public/booking-slots", {"province": "河北省", "city": "保定市",
                                                   "district": "满城区"}).json()
    response = anon_api.post("/public/bookings", {
        "name": "刘", "phone": "13700000007", "summary": "不制冷", "mode": "onsite",
        "province": "河北省", "city": "保定市", "district": "满城区", "street": "1 号",
        "preferred_date": slots["items"][0]["date"], "slot": slots["items"][0]["slot"]})
    # then: the ticket is open with its number and promise; the code confirms the phone
    assert slots["zone"] == "city" and slots["items"][0] == {
        "date": "2026-09-30", "slot": "am", "starts": "09:00:00", "ends": "12:00:00"}
    assert response.status_code == 201
    pending = response.json()
    ticket = Ticket.objects.get()
    assert pending == {"id": pending["id"], "number": ticket.number,
                       "verification_required": True, "callback_by": "2026-09-29T02:10:00Z",
                       "zone": "city", "hotline": "400-820-0000"}
    assert ticket.customer.provisional is True
    sms = Outbox.objects.get(recipient="13700000007", kind="portal_code")
    code = re.search(r"\d{6}", sms.body).group(0)
    # when: the code
    body = anon_api.post(f"/public/bookings/{pending['id']}/confirm", {"code": code}).json()
    # then
    ticket.refresh_from_db()
    assert body == {**pending, "verification_required": False}
    assert ticket.customer.provisional is False
    assert ticket.service_point_id == points["bd"].pk


@time_machine.travel(NOW, tick=False)
def test_a_blocked_customers_booking_reaches_staff_without_telling_the_page(web, points,
                                                                          policy):
    # given: the phone's customer is blocked for debt
    blocked = Customer.objects.create(number="C9", name="欠款客户", kind="person",
                                      phone="13700000007", zone="city", blocked=True,
                                      blocked_reason="两次拒付")
    # when
    response = web.post("/portal/book/", form())
    # then: the page confirms as always; staff see a consultation with the reason
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.kind) == (blocked.pk, "consultation")
    assert "两次拒付" in ticket.description and "两次拒付" not in response.content.decode()
    assert f"您的预约单号是 {ticket.number}。" in response.content.decode()
