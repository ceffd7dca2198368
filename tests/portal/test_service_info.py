"""Published service information (透明原则): GET /public/service-info and /portal/service-info/
show the configured rows (fees by zone, second-trip and transport, payment terms, response
and on-site targets by priority, warranty per category and accessory, service items,
service points with address, phone and hours, searchable by city)."""
from datetime import time
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.billing.models import ZoneFee
from aftersales.network.selectors import public_service_points
from aftersales.portal.models import PortalPolicy, ServiceItem
from aftersales.tickets.models import SLATarget, WorkingWindow
from tests.factories import ProductModelFactory, ServicePointFactory


@pytest.fixture
def published(db):
    policy = PortalPolicy.current()
    policy.hotline, policy.hotline_hours = "400-820-0000", "每天 8:00-20:00"
    policy.save()
    sjz = ServicePointFactory(code="SJZ", name="石家庄服务站", province="河北省", city="石家庄市",
                              address="中山路 1 号", phone="03111234567")
    ServicePointFactory(code="JN", name="济南服务站", province="山东省", city="济南市",
                        address="泉城路 9 号", phone="053100000000")
    WorkingWindow.objects.create(service_point=sjz, starts=time(8, 30), ends=time(17, 30))
    ProductModelFactory(code="X9", category="手机", warranty_months=12)
    ProductModelFactory(code="X9P", category="手机", warranty_months=18)
    ProductModelFactory(code="WM7", category="洗衣机", warranty_months=36, return_days=7,
                        exchange_days=15)
    return sjz


def test_the_api_publishes_the_configured_rows(anon_api, published):
    # given: the admin raises the prefecture visit fee
    ZoneFee.objects.filter(zone="prefecture").update(visit=Decimal("120.00"))
    # when
    body = anon_api.get("/public/service-info").json()
    # then
    assert body["fees"] == [
        {"zone": "city", "label": "市区", "visit": "50.00", "revisit_surcharge": "0.00",
         "transport": "100.00"},
        {"zone": "prefecture", "label": "市区外（地区范围内）", "visit": "120.00",
         "revisit_surcharge": "50.00", "transport": "200.00"},
        {"zone": "province", "label": "地区以外（省内）", "visit": "300.00",
         "revisit_surcharge": "200.00", "transport": "500.00"}]
    assert (body["on_spot_limit"], body["credit_days"], body["max_visits"]) == ("2000.00", 15, 3)
    assert body["targets"]["respond"] == {"amount": 10, "unit": "clock",
                                          "text": "10 分钟"}
    assert [(row["priority"], row["onsite"]["text"]) for row in body["targets"]["by_priority"]] \
        == [("urgent", "6 小时"), ("high", "24 小时"), ("normal", "48 小时"),
            ("low", "72 小时")]
    assert [(r["mode"], r["text"]) for r in body["targets"]["resolve"]] == [
        ("onsite", "48 小时"), ("send_in", "3 个工作日")]
    assert body["warranty"]["categories"] == [
        {"category": "手机", "months": "12–18", "return_days": "7", "exchange_days": "15"},
        {"category": "洗衣机", "months": "36", "return_days": "7", "exchange_days": "15"}]
    assert [(a["kind"], a["months"]) for a in body["warranty"]["accessories"]] == [
        ("earphone", 3), ("battery", 6), ("cable", 12), ("charger", 12)]
    assert [item["name"] for item in body["items"]][:2] == ["上门维修", "送修 / 寄修"]
    assert body["service_points"][1] == {
        "code": "SJZ", "name": "石家庄服务站", "kind": "branch", "province": "河北省",
        "city": "石家庄市", "address": "中山路 1 号", "phone": "03111234567",
        "hours": "08:30-17:30"}
    assert body["service_points"][0]["hours"] == "09:00-12:00, 13:30-18:00"
    assert (body["hotline"], body["hotline_hours"]) == ("400-820-0000", "每天 8:00-20:00")


def test_service_points_are_searchable_by_city(anon_api, published):
    body = anon_api.get("/public/service-info", {"city": "济南"}).json()
    assert [p["code"] for p in body["service_points"]] == ["JN"]


def test_the_page_shows_a_changed_fee_and_target(published):
    # given
    ZoneFee.objects.filter(zone="city").update(visit=Decimal("65.00"))
    SLATarget.objects.filter(name="onsite", priority="urgent").update(amount=4 * 60)
    ServiceItem.objects.create(name="以旧换新", description="旧机折价换新机", position=9)
    # when
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/portal/service-info/").content.decode()
    # then
    assert ('<tr id="fee-city"><th scope="row">市区</th><td class="num">¥65.00</td>'
            '<td class="num">+¥0.00</td><td class="num">¥100.00</td></tr>') in html
    assert '<th scope="row">紧急</th><td>4 小时</td>' in html
    assert "以旧换新" in html and "中山路 1 号" in html and "08:30-17:30" in html
    assert "¥2000.00 以内在完工当天付清；超过部分在 15 天内付清。" in html
    assert "电池：6 个月" in html
    assert 'property="og:title" content="收费标准、响应时间和服务网点"' in html


def test_the_page_searches_by_city(published):
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/portal/service-info/",
                                                      {"city": "济南市"}).content.decode()
    assert "济南服务站" in html and "石家庄服务站" not in html


def test_the_points_are_the_directorys_public_part(anon_api, published):
    """network.selectors.public_service_points is the source: the hours a point publishes
    in the directory win over its working windows; an inactive point is not published."""
    published.hours = "周一至周六 8:00-18:00"
    published.save()
    ServicePointFactory(code="OLD", name="已关闭站", province="河北省", city="保定市",
                        active=False)
    body = anon_api.get("/public/service-info").json()
    assert [(p["code"], p["hours"]) for p in body["service_points"]] == [
        ("JN", "09:00-12:00, 13:30-18:00"), ("SJZ", "周一至周六 8:00-18:00")]
    assert [p["code"] for p in public_service_points()] == ["JN", "SJZ"]


def test_the_response_by_channel_and_the_call_back_are_the_configured_rows(anon_api,
                                                                           published):
    # given: the engineer's call-back changed to 15 minutes
    SLATarget.objects.filter(name="contact", channel="").update(amount=15)
    # when
    body = anon_api.get("/public/service-info").json()
    # then: the general first response stays the channel-less row; chat and fax their own
    assert body["targets"]["respond"] == {"amount": 10, "unit": "clock", "text": "10 分钟"}
    assert [(r["channel"], r["amount"], r["text"])
            for r in body["targets"]["respond_by_channel"]] == [
        ("chat", 5, "5 分钟"), ("fax", 5, "5 分钟")]
    assert body["targets"]["call_back"] == {"amount": 15, "unit": "clock", "text": "15 分钟"}
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/portal/service-info/").content.decode()
    assert "提出请求后，工程师将在15 分钟内给您回电。" in html
    assert "10 分钟" in html and "传真" in html
