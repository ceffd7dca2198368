"""Done-when: an agent finds a customer by phone and opens a ticket (keyboard only on the
hotline screen), and the script to tell the customer is shown."""
import re

import pytest
from playwright.sync_api import expect

from aftersales.tickets.models import Ticket

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


def test_agent_finds_customer_by_phone_and_opens_ticket(screens, shop):
    # given
    from aftersales.catalog.services import create_knowledge_article

    create_knowledge_article(actor=shop["users"]["admin"], title="X9 屏幕不显示",
                             answer="先长按电源键 10 秒强制重启；仍黑屏则检查屏幕排线。")
    page = screens.login(screens.page(), "agent")
    page.goto(f"{screens.base}/customers/hotline/")
    # when: typing part of the phone answers while typing; the keyboard opens the archive
    box = page.get_by_label("电话、序列号/IMEI、姓名、公司或工单号")
    box.press_sequentially("1391234", delay=40)
    expect(page.locator("#hotline-results")).to_contain_text("张伟")
    screens.shot(page, "search", guide="agent-search")
    box.press("ArrowDown")
    expect(page.locator("#hotline-results a").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.get_by_text("在保")).to_be_visible()
    screens.shot(page, "archive", guide="agent-archive")
    page.get_by_role("link", name="新建工单").click()
    page.get_by_label("故障摘要").press_sequentially("屏幕不显示", delay=30)
    expect(page.locator("#kb-hits")).to_contain_text("长按电源键 10 秒")
    page.get_by_label("设备").select_option("XY2601000001")
    page.get_by_role("button", name="提交工单").click()
    # then
    expect(page.locator(".script")).to_contain_text("工程师将在5分钟内与您联系")
    screens.shot(page, guide="agent-script")
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.device.serial, ticket.summary, ticket.status,
            ticket.created_by.username) == (shop["customer"].pk, "XY2601000001", "屏幕不显示",
                                            "new", "agent")
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)


def test_a_refused_intake_shows_the_message_next_to_the_field(screens, shop):
    # given
    page = screens.login(screens.page(), "agent")
    page.goto(f"{screens.base}/tickets/new/{shop['customer'].pk}/")
    # when: no summary
    page.get_by_role("button", name="提交工单").click()
    # then
    expect(page.locator("#summary-error")).to_have_text("此项为必填项。")
    screens.shot(page)
    assert Ticket.objects.count() == 0
