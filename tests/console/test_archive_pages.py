"""A chain customer's archive with thousands of units: the devices come a page at a time
(keyset cursor), the warranty is computed for that page only, the contracts show their
number of units (not the units), and 30 or 300 units cost the same queries."""
import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.billing.services import bill_contract
from aftersales.console import views
from aftersales.contracts.services import sign_contract
from aftersales.devices import selectors as device_selectors
from aftersales.devices.models import Device

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        yield


@pytest.fixture
def chain(customer_factory, product_model_factory, admin_user):
    customer = customer_factory(name="华北连锁", kind="company")
    model = product_model_factory(code="P9", name="P9 手机", warranty_months=12)

    def add(n: int) -> None:
        start = Device.objects.filter(customer=customer).count()
        Device.objects.bulk_create([
            Device(serial=f"CH{start + i:06d}", model=model, customer=customer,
                   purchase_date=date(2026, 3, 1), invoice_no=f"FP{start + i}")
            for i in range(n)])

    def sign() -> None:
        sign_contract(actor=admin_user, customer=customer, kind="annual",
                      starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                      price="9000.00", devices=list(Device.objects.filter(customer=customer)),
                      bill=bill_contract)

    return customer, add, sign


@pytest.fixture
def browser(admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin_user)
    return client


def serials(html: str) -> list[str]:
    return re.findall(r"<td>(CH\d{6})</td>", html)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def test_30_or_300_units_cost_the_same_queries(chain, browser):
    customer, add, sign = chain
    add(30)
    sign()
    url = f"/customers/{customer.pk}/"
    thirty = queries(browser, url)
    add(270)
    sign()
    assert queries(browser, url) == thirty
    # and a later page of the devices costs what the first costs
    html = browser.get(url).content.decode()
    link = re.search(r'<a rel="next" href="([^"#]+)', html).group(1).replace("&amp;", "&")
    assert queries(browser, url + link) == thirty


def test_the_warranty_is_computed_for_one_page_of_units(chain, browser, monkeypatch):
    customer, add, sign = chain
    add(300)
    sign()
    decided = []
    real = device_selectors.warranty.decide
    monkeypatch.setattr(device_selectors.warranty, "decide",
                        lambda **kw: decided.append(1) or real(**kw))
    html = browser.get(f"/customers/{customer.pk}/").content.decode()
    assert len(serials(html)) == views.DEVICE_PAGE
    assert len(decided) == views.DEVICE_PAGE
    assert "共 300 台" in html
    # the contract shows how many units it covers
    assert re.search(r"<td>300</td></tr>", html)


def test_the_pages_walk_every_unit_once_and_back(chain, browser):
    customer, add, _sign = chain
    add(45)
    url = f"/customers/{customer.pk}/"
    html = browser.get(url).content.decode()
    seen = [serials(html)]
    while found := re.search(r'<a rel="next" href="([^"#]+)', html):
        html = browser.get(url + found.group(1).replace("&amp;", "&"),
                           HTTP_HX_REQUEST="true").content.decode()
        assert "<h1>" not in html  # the devices card only
        seen.append(serials(html))
    newest_first = [f"CH{i:06d}" for i in range(44, -1, -1)]
    assert seen == [newest_first[0:20], newest_first[20:40], newest_first[40:45]]
    back = re.search(r'<a rel="prev" href="([^"#]+)', html).group(1).replace("&amp;", "&")
    assert serials(browser.get(url + back).content.decode()) == newest_first[20:40]


def test_a_unit_is_found_by_its_serial(chain, browser):
    customer, add, _sign = chain
    add(45)
    html = browser.get(f"/customers/{customer.pk}/", {"dq": "ch000007"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert serials(html) == ["CH000007"]
    html = browser.get(f"/customers/{customer.pk}/", {"dq": "XX999999"}).content.decode()
    assert serials(html) == [] and "没有匹配的设备。" in html


def test_a_small_archive_shows_no_pager_or_search(chain, browser):
    customer, add, _sign = chain
    add(3)
    html = browser.get(f"/customers/{customer.pk}/").content.decode()
    assert len(serials(html)) == 3
    assert 'rel="next"' not in html and 'name="dq"' not in html


def test_the_devices_api_pages_a_chains_units_by_cursor(chain, api_for, admin_user):
    customer, add, _sign = chain
    add(300)
    api = api_for(admin_user)
    url = f"/api/v1/devices?customer={customer.pk}&page_size=100"
    first = api.get(url).json()
    assert len(first["items"]) == 100 and "cursor=" in first["next"]
    second = api.client.get(first["next"], **api.headers).json()
    assert [d["serial"] for d in second["items"]] == [f"CH{i:06d}" for i in range(199, 99, -1)]
    assert _count(api, first["next"]) == _count(api, url)


def _count(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        api.client.get(url, **api.headers)
    assert not [q for q in captured.captured_queries if "OFFSET" in q["sql"].upper()]
    return len(captured.captured_queries)
