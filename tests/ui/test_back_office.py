"""Warehouse and finance pages in the browser, the administrator's entry and the language
switch: reorder alerts and a requisition approved, shipped and received; a payment refused
next to its field, then recorded."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aftersales.billing.models import LedgerEntry
from aftersales.inventory import services as inventory
from aftersales.inventory.models import Requisition
from aftersales.network import services as network
from aftersales.tickets import services as tickets
from tests.factories import DeviceFactory, ServicePointFactory

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


def test_warehouse_keeper_approves_ships_and_receives_a_requisition(screens, shop):
    # given: HQ stock below its reorder point and a branch asking for more than the free limit
    admin, part = shop["users"]["admin"], shop["part"]
    branch = ServicePointFactory(code="SJZ01", name="石家庄裕华服务站")
    network.record_deposit(actor=admin, service_point=branch, amount=Decimal("20000"))
    hq_store = inventory.create_warehouse(actor=admin, code="WH-HQ", name="总部仓",
                                          service_point=shop["hq"])
    branch_store = inventory.create_warehouse(actor=admin, code="WH-SJZ", name="裕华仓",
                                              service_point=branch)
    inventory.receive_stock(actor=admin, warehouse=hq_store, part=part, qty=30)
    inventory.set_reorder_levels(actor=admin, warehouse=hq_store, part=part, reorder_point=40,
                                 reorder_qty=50)
    requisition = inventory.create_requisition(actor=admin, from_warehouse=hq_store,
                                               to_warehouse=branch_store,
                                               lines=[{"part": part, "qty": 20}])
    assert requisition.status == "pending"
    page = screens.login(screens.page(), "warehouse")
    # when
    page.goto(f"{screens.base}/warehouse/")
    expect(page.locator("#h-alerts + ul")).to_contain_text("SCR-X9")
    screens.shot(page, "alerts", guide="warehouse")
    for button in ("批准", "发货", "收货"):
        page.get_by_role("row", name=requisition.number).get_by_role("button", name=button).click()
        page.wait_for_load_state("networkidle")
    # then
    expect(page.get_by_role("row", name=requisition.number)).to_contain_text("已收货")
    screens.shot(page)
    requisition.refresh_from_db()
    assert requisition.status == Requisition.Status.RECEIVED


def charged_job(shop):
    """An on-site repair out of warranty (no proof): the visit fee falls due on resolve."""
    agent, manager, engineer = (shop["users"][k] for k in ("agent", "manager", "engineer"))
    device = DeviceFactory(serial="XY2001000009", customer=shop["customer"], model=shop["model"])
    from aftersales.catalog.models import FaultCode

    t = tickets.open_ticket(actor=agent, customer=shop["customer"], device=device,
                            channel="phone", kind="repair", priority="normal", mode="onsite",
                            summary="无法开机")
    t = tickets.assign(actor=manager, ticket=t, engineer=engineer)
    t = tickets.arrive(actor=engineer, ticket=t)
    t = tickets.diagnose(actor=engineer, ticket=t, fault_code=FaultCode.objects.get(code="F-SCR"))
    t = tickets.quote(actor=engineer, ticket=t)
    if t.status == "awaiting_approval":
        t = tickets.approve_quote(actor=engineer, ticket=t)
    t = tickets.depart(actor=engineer, ticket=t, outcome="fixed")
    return tickets.resolve(actor=engineer, ticket=t, resolution="已修复")


def test_finance_records_a_payment_after_a_refusal_next_to_the_field(screens, shop):
    # given
    ticket = charged_job(shop)
    page = screens.login(screens.page(), "finance")
    page.goto(f"{screens.base}/finance/")
    expect(page.get_by_role("row", name=ticket.number)).to_contain_text("¥50.00")
    # when: more than is owed
    page.get_by_label("工单号").fill(ticket.number)
    page.get_by_label("金额").fill("80")
    page.get_by_role("button", name="登记收款").click()
    # then
    expect(page.locator("#pay-amount-error")).to_have_text("金额超过未付的 50.00。")
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    # when: the right amount
    page.get_by_label("金额").fill("50")
    page.get_by_label("方式").select_option("wechat")
    page.get_by_role("button", name="登记收款").click()
    # then
    expect(page.locator(".messages")).to_have_text("付款已记录。")
    screens.shot(page, guide="finance")
    payment = LedgerEntry.objects.get(kind="payment")
    assert (payment.amount, payment.method) == (Decimal("-50.00"), "wechat")


def test_administrator_switches_language_and_reaches_the_rules(screens, shop):
    # given
    page = screens.login(screens.page(), "admin")
    page.goto(f"{screens.base}/tickets/")
    expect(page.locator("h1")).to_have_text("工单")
    # when
    page.get_by_label("语言").select_option("en")
    # then
    expect(page.locator("h1")).to_have_text("Tickets")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("h1")).to_have_text("工单")
    page.get_by_role("link", name="系统管理").click()
    expect(page.locator("#site-name")).to_be_visible()
    screens.shot(page, guide="admin")
