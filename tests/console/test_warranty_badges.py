"""Every warranty badge (archive, hotline hit, ticket) is what the warranty engine decides
today, contracts and repair warranty included, with its end date."""
from datetime import date

import pytest
import time_machine
from django.test import Client

from aftersales.billing.services import bill_contract
from aftersales.contracts.services import sign_contract
from aftersales.devices.models import RepairRecord
from tests.tickets.factories import open_test_ticket

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        yield


@pytest.fixture
def setup(customer_factory, device_factory, product_model_factory, admin_user):
    customer = customer_factory(name="华北电力", kind="company")
    model = product_model_factory(code="R9", name="R9 路由器", warranty_months=12)
    old = dict(model=model, customer=customer, purchase_date=date(2023, 5, 1),
               invoice_no="FP1", warranty_card_no="K1")
    covered = device_factory(serial="CONTRACT01", **old)
    repaired = device_factory(serial="REPAIRED01", **old)
    expired = device_factory(serial="EXPIRED001", **old)
    fresh = device_factory(serial="FRESH00001", model=model, customer=customer,
                           purchase_date=date(2026, 6, 1), invoice_no="FP2")
    sign_contract(actor=admin_user, customer=customer, kind="annual",
                  starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), price="1200.00",
                  devices=[covered], bill=bill_contract)
    RepairRecord.objects.create(device=repaired, repaired_on=date(2026, 10, 1),
                                fault_code="F-X", part_sku="PSU-R9")
    return customer, {"covered": covered, "repaired": repaired, "expired": expired,
                      "fresh": fresh}


def row(html, serial):
    start = html.index(serial)
    return html[start:html.index("</tr>", start)]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_archive_badges_come_from_the_engine(setup, agent):
    customer, devices = setup
    html = client_for(agent).get(f"/customers/{customer.pk}/",
                                 HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    covered = row(html, "CONTRACT01")
    assert 'data-covered="1"' in covered and "2026-12-31" in covered
    assert "已过保" not in covered and "过保" not in covered
    repaired = row(html, "REPAIRED01")  # the unit has expired, the repaired part has not
    assert 'data-covered="0"' in repaired
    assert "PSU-R9" in repaired and "2026-12-30" in repaired  # 90 days after 1 Oct
    expired = row(html, "EXPIRED001")
    assert 'data-covered="0"' in expired and "2024-05-01" in expired
    fresh = row(html, "FRESH00001")
    assert 'data-covered="1"' in fresh and "2027-06-01" in fresh


def test_the_hotline_hit_and_the_ticket_show_the_same_verdict(setup, agent):
    customer, devices = setup
    client = client_for(agent)
    hit = client.get("/customers/hotline/", {"q": "CONTRACT01"}, HTTP_HX_REQUEST="true",
                     HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-covered="1"' in hit and "2026-12-31" in hit
    ticket = open_test_ticket(actor=agent, customer=customer, device=devices["covered"])
    page = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    badge = page[page.index('id="warranty-today"'):]
    badge = badge[:badge.index("</p>")]
    assert 'data-covered="1"' in badge and "2026-12-31" in badge
