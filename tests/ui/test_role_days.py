"""Each role's day in the browser (Debian's chromium), with the screenshots of the role
guides: the agent takes a call and finds the caller by what they say, reads the archive,
opens a ticket and reads the script; the manager works the alerts, dispatches by
drag-and-drop and approves a dispatch waiting for them; the engineer does a
job on a 360 px phone from arrival to payment; finance and warehouse open their pages."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.catalog.models import KnowledgeArticle, Synonym
from aftersales.customers.services import add_contact
from aftersales.network.models import DispatchApprovalRule
from aftersales.tickets import services as tickets
from aftersales.tickets.clocks import load_calendar
from aftersales.tickets.models import DispatchApproval, Visit
from aftersales.tickets.sweeps import run_sweeps
from tests.factories import CustomerFactory
from tests.ui.conftest import reveal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_ticket(shop, **extra):
    fields = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "屏幕不显示", **extra}
    return tickets.open_ticket(actor=shop["users"]["agent"], customer=shop["customer"],
                               device=shop["device"], **fields)


def act(page, action: str):
    """Submit one action form and wait until its event is on the timeline."""
    events = page.locator("#h-timeline + ol li").count()
    reveal(page, action)
    page.locator(f"#action-{action}").get_by_role("button").last.click()
    expect(page.locator("#h-timeline + ol li")).to_have_count(events + 1)


def test_the_agents_day(screens, shop):
    # given: a company with a contact, an earlier ticket, an article in formal words
    company = CustomerFactory(name="石家庄恒通商贸有限公司", kind="company",
                              phone="031187654321", service_point=shop["hq"])
    add_contact(actor=shop["users"]["admin"], customer=company, name="赵六",
                phone="13700009876")
    earlier = open_ticket(shop)
    KnowledgeArticle.objects.create(title="手机无法开机", symptoms="按电源键没有反应",
                                    answer="长按电源键 15 秒强制重启。")
    assert Synonym.objects.filter(words__contains="无法开机").exists()
    device = shop["device"]
    page = screens.login(screens.page(), "agent")
    box = page.get_by_label("电话、序列号/IMEI、姓名、公司或工单号")
    results = page.locator("#hotline-results")

    def search(text, expected):
        box.fill("")
        box.press_sequentially(text, delay=20)
        expect(results).to_contain_text(expected)

    # when the caller says each thing a caller says
    search("张", "张伟")                            # a one-character surname
    search("5678", "张伟")                          # the last digits of the phone
    search(earlier.number[-6:], earlier.number)     # part of the ticket number
    search(device.serial[2:8].lower(), device.serial)  # part of the serial
    search(device.imei[-6:], device.serial)         # part of the IMEI
    search("恒通", "石家庄恒通商贸有限公司")          # a company name
    search("9876", "石家庄恒通商贸有限公司")          # the contact's phone
    screens.shot(page, "search", guide="agent-hotline-search")
    search("13912345678", "张伟")
    results.get_by_role("link", name="张伟").first.click()
    # then the archive: the warranty from the engine, the knowledge base in everyday words
    expect(page.locator("#h-devices")).to_be_visible()
    expect(page.locator(".warranty").first).to_contain_text("在保")
    page.get_by_label("描述故障").press_sequentially("不开机", delay=30)
    expect(page.locator("#kb-hits")).to_contain_text("手机无法开机")
    screens.shot(page, "archive", guide="agent-archive")
    page.get_by_role("link", name="新建工单").click()
    page.get_by_label("故障摘要").press_sequentially("不开机", delay=20)
    page.get_by_label("设备").select_option(device.serial)
    page.get_by_role("button", name="提交工单").click()
    expect(page.locator(".script")).to_contain_text("您的工单号")
    screens.shot(page, "script", guide="agent-script")


def test_the_agents_callbacks_and_notes(screens, shop):
    agent = shop["users"]["agent"]
    with time_machine.travel(timezone.now() - timedelta(days=1, hours=1), tick=False):
        ticket = open_ticket(shop, mode="remote", kind="consultation", summary="设置问题")
        tickets.respond(actor=agent, ticket=ticket)
        tickets.resolve(actor=agent, ticket=ticket, resolution="电话指导")
    run_sweeps()
    page = screens.login(screens.page(), "agent")
    expect(page.locator("#alert-count")).not_to_have_text("0")
    page.locator(".bell").click()
    card = page.locator(".callback").first
    expect(card).to_contain_text(ticket.number)
    expect(card.locator(".script")).to_contain_text("满意")
    screens.shot(page, "callbacks", guide="agent-callbacks")
    card.get_by_label("满意度").select_option("5")
    card.get_by_label("客户意见").fill("很满意")
    card.get_by_role("button", name="记录回访结果").click()
    expect(page.locator(".messages")).to_contain_text(ticket.number)
    # a customer chasing the job is written in the ticket's log
    page.goto(f"{screens.base}/tickets/{ticket.pk}/")
    page.get_by_label("记入日志").fill("客户来电询问进度")
    page.get_by_label("类型", exact=True).select_option("chase")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator("#notes")).to_contain_text("客户来电询问进度")
    expect(page.locator("#notes")).to_contain_text("李客服")
    screens.shot(page, "notes", guide="agent-notes")


def next_working_day(after):
    calendar = load_calendar(years=range(after.year, after.year + 2))
    day = after + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def drag(page, source, target):
    """Drag with the mouse like a person: press on the handle, move in steps (SortableJS
    follows pointer events), rest over the target, release."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=20)
    page.wait_for_timeout(200)
    page.mouse.move(end["x"] + end["width"] / 2 + 2, end["y"] + end["height"] / 2, steps=2)
    page.wait_for_timeout(200)
    page.mouse.up()


def test_the_managers_day(screens, shop):
    """Alerts → dispatch by drag-and-drop → approve a dispatch waiting for the manager."""
    # given: a job nobody answered in time, and an on-site assignment the agent asked for
    # at a point whose dispatch rule makes the manager approve it
    manager, engineer = shop["users"]["manager"], shop["users"]["engineer"]
    late = open_ticket(shop)
    # the promised call-back is kept: the first response is what goes overdue
    late = tickets.contact(actor=shop["users"]["agent"], ticket=late)
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        run_sweeps()
    DispatchApprovalRule.objects.create(service_point=shop["hq"], approver=manager)
    asked = open_ticket(shop, summary="打印机卡纸")
    tickets.assign(actor=shop["users"]["agent"], ticket=asked, engineer=engineer)
    assert DispatchApproval.objects.get(ticket=asked).status == "pending"
    page = screens.login(screens.page(width=1440), "manager")
    # the alerts: the overdue answer and the approval waiting, both on the bell
    expect(page.locator("#alert-count")).to_have_text("2")
    page.locator(".bell").click()
    overdue = page.locator("tr", has_text=late.number)
    expect(overdue).to_contain_text("响应超时")
    waiting = page.locator("tr", has_text=asked.number)
    expect(waiting).to_contain_text("上门：张工程师")
    expect(waiting).to_contain_text("由 李客服 提出")
    screens.shot(page, "alerts", guide="manager-alerts")
    overdue.get_by_role("button", name="确认").click()
    expect(page.locator(".messages")).to_contain_text("已确认")
    # dispatch: drag the late job by its handle onto the engineer's next working day
    page.get_by_role("link", name="派工", exact=True).click()
    day = next_working_day(timezone.localdate())
    job = page.locator(f"#unassigned-{late.pk}")
    expect(page.locator(f"#unassigned-{asked.pk}")).to_contain_text("待审批")
    cell = page.locator(f'.dispatch-cell[data-engineer="{engineer.pk}"][data-day="{day:%Y-%m-%d}"]')
    drag(page, job.locator(".drag-handle"), cell)
    dialog = page.locator("#drop-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#drop-what")).to_have_text(
        f"{late.number} → 张工程师 {day:%Y-%m-%d}")
    expect(dialog.get_by_label("工程师")).to_have_value(str(engineer.pk))
    expect(dialog.get_by_label("上门日期")).to_have_value(f"{day:%Y-%m-%d}")
    dialog.get_by_label("时间（仅限工作时间）").select_option("10:00")
    screens.shot(page, "drop", guide="manager-dispatch-drop")
    dialog.get_by_role("button", name="派工并预约").click()
    expect(page.locator(".messages")).to_contain_text(f"{late.number}：已派给 张工程师")
    expect(cell).to_contain_text(f"10:00 {late.number}")
    screens.shot(page, "dispatched", guide="manager-dispatch")
    late.refresh_from_db()
    visit = Visit.objects.get(ticket=late)
    assert (late.engineer_id, late.status) == (engineer.pk, "scheduled")
    assert timezone.localtime(visit.scheduled_at).strftime("%Y-%m-%d %H:%M") == \
        f"{day:%Y-%m-%d} 10:00"
    # the approval, from the alerts page
    page.locator(".bell").click()
    waiting = page.locator("tr", has_text=asked.number)
    waiting.get_by_role("button", name="批准派工").click()
    expect(page.locator(".messages")).to_contain_text(
        f"已批准：工单 {asked.number} 已派给 张工程师。")
    expect(page.locator("#alert-count")).to_have_text("0")
    screens.shot(page, "approved", guide="manager-approved")
    asked.refresh_from_db()
    assert (asked.engineer_id, asked.status) == (engineer.pk, "assigned")
    assert DispatchApproval.objects.get(ticket=asked).status == "approved"


def test_the_engineers_job_on_a_phone(screens, shop):
    # given: a job assigned to the engineer
    manager, engineer = shop["users"]["manager"], shop["users"]["engineer"]
    ticket = tickets.assign(actor=manager, ticket=open_ticket(shop), engineer=engineer)
    page = screens.login(screens.page(width=360, height=780), "engineer")
    page.goto(f"{screens.base}/tickets/my-day/{ticket.pk}/")
    # the address with a map link and one-tap call
    expect(page.locator("#map-amap")).to_have_attribute("href", re.compile(r"^amapuri://poi\?"))
    expect(page.locator("#call-customer")).to_have_attribute("href", "tel:13912345678")
    screens.shot(page, "arrive", guide="engineer-arrive")
    act(page, "arrive")
    expect(page.locator("#ticket-status")).to_have_text("在现场")
    diagnose = page.locator("#action-diagnose")
    diagnose.get_by_label("故障代码").select_option("F-SCR")
    diagnose.get_by_label("检测结果").fill("屏幕进水损坏")
    diagnose.get_by_label("原因").select_option("misuse")
    act(page, "diagnose")
    expect(page.locator("#warranty-decision")).to_contain_text("保外")
    # the quote from the catalogue: the SKU fills the description and the price
    quote = page.locator("#action-quote")
    sku = quote.locator("#q0-sku")
    sku.fill("SCR-X9")
    sku.dispatch_event("change")
    sku.press("Escape")  # close the browser's suggestion list
    sku.evaluate("el => el.blur()")
    expect(quote.locator("#q0-desc")).to_have_value("X9 屏幕总成")
    expect(quote.locator("#q0-price")).to_have_value("480.00")
    quote.evaluate("el => el.scrollIntoView({block: 'start'})")
    screens.shot(page, "quote", guide="engineer-quote")
    widths = quote.locator(".quote-line input").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert min(widths) >= 60  # nothing truncated to a character at 360 px
    act(page, "quote")
    expect(page.locator("#ticket-status")).to_have_text("待客户确认")
    act(page, "approve_quote")
    expect(page.locator("#ticket-status")).to_have_text("维修中")
    act(page, "depart")
    reveal(page, "resolve")
    page.locator("#action-resolve").get_by_label("处理结果").fill("更换屏幕总成，测试正常")
    act(page, "resolve")
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    act(page, "test")  # the tested stage comes before the sign-off
    pad = page.locator("#sign-canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()
    act(page, "sign_off")
    # after signing: the done state with the signature, no empty pad
    expect(page.locator("#done-state")).to_be_visible()
    expect(page.locator("#signature-image")).to_be_visible()
    expect(page.locator("#sign-canvas")).to_have_count(0)
    page.locator("#done-state").evaluate("el => el.scrollIntoView({block: 'start'})")
    screens.shot(page, "signed", guide="engineer-signed")
    # payment on site by WeChat Pay with its reference, then the receipt
    pay = page.locator("#pay")
    pay.get_by_role("radio", name="微信支付").check()
    pay.get_by_label("交易单号（微信支付/支付宝）").fill("4200009999")
    pay.get_by_role("button", name="记录收款").click()
    expect(page.locator("#receipt")).to_contain_text("4200009999")
    expect(page.locator("#receipt")).to_contain_text("¥")
    screens.shot(page, "receipt", guide="engineer-receipt")


def test_a_lost_connection_keeps_what_was_typed(screens, shop):
    manager, engineer = shop["users"]["manager"], shop["users"]["engineer"]
    ticket = tickets.assign(actor=manager, ticket=open_ticket(shop), engineer=engineer)
    page = screens.login(screens.page(width=360, height=780), "engineer")
    url = f"{screens.base}/tickets/my-day/{ticket.pk}/"
    page.goto(url)
    page.context.set_offline(True)
    page.get_by_label("记入日志").fill("客户不在家，约明天上午")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator("#notes .draft-note")).to_contain_text("网络已断开")
    expect(page.locator("#offline-banner")).to_be_visible()
    screens.shot(page, "offline", guide="engineer-offline")
    page.context.set_offline(False)
    page.goto(url)
    expect(page.get_by_label("记入日志")).to_have_value("客户不在家，约明天上午")
    expect(page.locator("#notes .draft-note")).to_contain_text("已恢复")


def test_finance_and_warehouse_pages(screens, shop):
    page = screens.login(screens.page(), "finance")
    page.goto(f"{screens.base}/finance/")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    screens.shot(page, "finance", guide="finance-page")
    page = screens.login(screens.page(), "warehouse")
    page.goto(f"{screens.base}/warehouse/")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    screens.shot(page, "warehouse", guide="warehouse-page")
