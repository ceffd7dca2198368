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


def test_agent_verifies_a_web_bookings_phone_after_calling_back(screens, shop):
    """A web booking whose phone never confirmed its code: the hotline finds it marked
    待验证 (beside the real archive with the same phone), calls back and verifies it on its
    archive page; the ticket joins the archive with that phone."""
    # given: 张伟's phone booked on the web; its ticket sits under a provisional record
    from aftersales.portal import services as portal

    booking = portal.request_booking(name="张先生", phone="13912345678", summary="屏幕闪烁")
    record = booking.ticket.customer
    page = screens.login(screens.page(width=360, height=780), "agent")
    # when: the hotline searches the phone
    page.goto(f"{screens.base}/customers/hotline/?q=13912345678")
    results = page.locator("#hotline-results li")
    # then: the archive as it is, the web booking with its badge
    expect(results).to_have_count(2)
    archive = results.filter(has_text="张伟")
    booked = results.filter(has_text="张先生")
    expect(archive.locator(".provisional")).to_have_count(0)
    expect(booked).to_contain_text(f"张先生 · 13912345678 · {record.number} 待验证")
    screens.shot(page, "hotline")
    # when: the agent opens it, ticks the box after calling back and verifies
    booked.get_by_role("link").click()
    form = page.locator("#verify-phone")
    expect(form).to_contain_text("我已回电 13912345678，客户确认了此预约。")
    button = form.get_by_role("button", name="确认手机号已验证")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 360
    screens.shot(page, "archive")
    form.get_by_label("我已回电 13912345678，客户确认了此预约。").check()
    button.click()
    # then: on 张伟's archive, with the booking's ticket
    expect(page.locator(".messages")).to_contain_text(
        f"手机号已验证：预约已并入 张伟（{shop['customer'].number}）的档案。")
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.locator("#provisional-customer")).to_have_count(0)
    expect(page.get_by_role("link", name=booking.ticket.number)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screens.shot(page, "verified")
    ticket = Ticket.objects.get(pk=booking.ticket_id)
    assert (ticket.customer_id, ticket.events.get(action="verify_phone").actor.username) == (
        shop["customer"].pk, "agent")
