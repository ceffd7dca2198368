"""The staff directory in the browser: points with phone and hours, their people and the
categories they are certified for; Chinese, at phone width."""
from datetime import date

import pytest
from playwright.sync_api import expect

from aftersales.network import services as network
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_directory_lists_points_people_and_certificates(screens, shop):
    admin = shop["users"]["admin"]
    region = network.create_region(actor=admin, code="HB", name="华北大区")
    point = network.create_service_point(actor=admin, code="SJZ01", name="石家庄裕华服务站",
                                         kind="authorized", tier="gold", region=region,
                                         city="石家庄", county="裕华区", phone="0311-88886666",
                                         hours="周一至周六 9:00-18:00")
    tech = UserFactory(username="yh_tech", name="赵工程师", role="engineer",
                       service_point=point, phone="13900001111")
    network.record_certificate(actor=admin, user=tech, category="手机",
                               valid_until=date(2030, 1, 1))
    page = screens.login(screens.page(width=360, height=780), "manager")
    page.goto(f"{screens.base}/network/directory/")
    card = page.locator("article", has_text="石家庄裕华服务站")
    expect(card).to_contain_text("0311-88886666")
    expect(card).to_contain_text("周一至周六 9:00-18:00")
    expect(card).to_contain_text("华北大区")
    expect(card).to_contain_text("赵工程师")
    expect(card).to_contain_text("持证: 手机")
    expect(page.locator("h1")).to_have_text("通讯录")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screens.shot(page, guide="network-directory")
