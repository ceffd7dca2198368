"""Done-when: a manager assigns the ticket on the dispatch board; the engineer completes it
on a 360 px phone with the customer's signature; the customer tracks it on the portal."""
import base64
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.tickets import services as tickets
from aftersales.tickets.clocks import load_calendar
from aftersales.tickets.models import Ticket
from tests.ui.conftest import reveal

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


def open_ticket(shop, **extra):
    fields = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "屏幕不显示", **extra}
    return tickets.open_ticket(actor=shop["users"]["agent"], customer=shop["customer"],
                               device=shop["device"], **fields)


def act(page, action: str, button: str):
    """Submit one action form and wait until its event is on the timeline."""
    events = page.locator("#h-timeline + ol li").count()
    reveal(page, action)
    page.locator(f"#action-{action}").get_by_role("button", name=button).click()
    expect(page.locator("#h-timeline + ol li")).to_have_count(events + 1)


def test_manager_assigns_from_the_dispatch_board(screens, shop):
    # given
    ticket = open_ticket(shop)
    page = screens.login(screens.page(), "manager")
    # when
    page.goto(f"{screens.base}/tickets/dispatch/")
    row = page.locator(f"#unassigned-{ticket.pk}")
    expect(row).to_contain_text(ticket.number)
    row.get_by_label("工程师").select_option(label="张工程师")
    screens.shot(page, "board")
    row.get_by_role("button", name="派工").click()
    # then
    expect(page.locator("#ticket-status")).to_have_text("已派工")
    screens.shot(page, guide="manager-ticket")
    ticket.refresh_from_db()
    assert (ticket.engineer.username, ticket.status) == ("engineer", "assigned")


def test_the_board_card_says_the_time_left_in_words(screens, shop):
    """The SLA countdown of a job waiting on the board reads in words, in the page's
    language, on a 360 px phone; past its deadline it says how late, marked overdue; the
    script that ticks it uses the same words (days from 24 h on)."""
    # given: one job with 9 h 54 min left, one 2 h 5 min late (50 s of slack either way)
    soon = open_ticket(shop)
    late = open_ticket(shop, summary="不开机")
    page = screens.login(screens.page(width=360, height=780), "manager")
    now = timezone.now()
    Ticket.objects.filter(pk=soon.pk).update(
        sla_next_due=now + timedelta(hours=9, minutes=54, seconds=50))
    Ticket.objects.filter(pk=late.pk).update(
        sla_next_due=now - timedelta(hours=2, minutes=4, seconds=10))
    # when
    page.goto(f"{screens.base}/tickets/dispatch/")
    # then
    head = page.locator(f"#unassigned-{soon.pk} .job-head")
    due = timezone.localtime(now + timedelta(hours=9, minutes=54, seconds=50))
    expect(head).to_contain_text(f"下一时限 {due:%m-%d %H:%M} · 剩余 9 小时 54 分")
    overdue = page.locator(f"#unassigned-{late.pk} .countdown")
    expect(overdue).to_have_text("已超时 2 小时 5 分")
    expect(overdue).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator(f"#unassigned-{soon.pk} .countdown")).not_to_have_class(
        re.compile(r"\bbad\b"))
    box = head.locator(".countdown").bounding_box()
    assert box["x"] + box["width"] <= 360
    screens.shot(page, "zh")
    # and the script ticks it with the same words: a deadline two days and more away
    page.evaluate("id => document.querySelector(`#unassigned-${id} .countdown`).setAttribute("
                  "'data-due', new Date(Date.now() + (51 * 60 + 30) * 60000).toISOString())",
                  soon.pk)
    expect(page.locator(f"#unassigned-{soon.pk} .countdown")).to_have_text("剩余 2 天 3 小时")
    # when: the page in English
    page.get_by_label("语言").select_option("en")
    # then
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(head).to_contain_text(f"Next deadline {due:%m-%d %H:%M} · 9 h 54 min left")
    expect(page.locator(f"#unassigned-{late.pk} .countdown")).to_have_text("2 h 5 min overdue")
    page.evaluate("id => document.querySelector(`#unassigned-${id} .countdown`).setAttribute("
                  "'data-due', new Date(Date.now() - (24 * 60 + 0.5) * 60000).toISOString())",
                  late.pk)
    expect(page.locator(f"#unassigned-{late.pk} .countdown")).to_have_text("1 d overdue")
    screens.shot(page, "en")


def test_the_board_books_without_a_mouse(screens, shop):
    """The keyboard fallback of the drag: "Book a visit…" asks engineer, day and time; a
    day off is refused with the reason and nothing changes; a working day is booked."""
    ticket = open_ticket(shop)
    engineer = shop["users"]["engineer"]
    today = timezone.localdate()
    calendar = load_calendar(years=range(today.year, today.year + 2))
    weekend = next(today + timedelta(days=i) for i in range(1, 8)
                   if not calendar.is_working_day(today + timedelta(days=i)))
    workday = next(today + timedelta(days=i) for i in range(1, 8)
                   if calendar.is_working_day(today + timedelta(days=i)))
    page = screens.login(screens.page(), "manager")
    page.goto(f"{screens.base}/tickets/dispatch/")
    pick = page.locator(f"#unassigned-{ticket.pk}").get_by_role("button", name="预约上门…")
    pick.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#drop-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("工程师")).to_be_focused()
    dialog.get_by_label("工程师").select_option(label="张工程师")
    dialog.get_by_label("上门日期").fill(f"{weekend:%Y-%m-%d}")
    dialog.get_by_label("时间（仅限工作时间）").select_option("10:00")
    dialog.get_by_role("button", name="派工并预约").click()
    expect(page.locator(".messages .error")).to_contain_text("预约须在工作日的工作时间内")
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status, ticket.visits.count()) == (None, "new", 0)
    page.locator(f"#unassigned-{ticket.pk}").get_by_role("button", name="预约上门…").click()
    dialog.get_by_label("工程师").select_option(label="张工程师")
    dialog.get_by_label("上门日期").fill(f"{workday:%Y-%m-%d}")
    dialog.get_by_label("时间（仅限工作时间）").select_option("14:30")
    dialog.get_by_role("button", name="派工并预约").click()
    expect(page.locator(".messages")).to_contain_text("已派给 张工程师")
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status) == (engineer.pk, "scheduled")
    assert timezone.localtime(ticket.visits.get().scheduled_at).strftime("%Y-%m-%d %H:%M") \
        == f"{workday:%Y-%m-%d} 14:30"


def test_engineer_completes_on_a_phone_with_a_signature(screens, shop):
    # given
    ticket = open_ticket(shop)
    ticket = tickets.assign(actor=shop["users"]["manager"], ticket=ticket,
                            engineer=shop["users"]["engineer"])
    page = screens.login(screens.page(width=360, height=780), "engineer")
    # when
    page.goto(f"{screens.base}/tickets/my-day/")
    screens.shot(page, "my-day", guide="engineer-my-day")
    page.get_by_role("link", name=ticket.number).click()
    act(page, "arrive", "到达现场")
    expect(page.locator("#ticket-status")).to_have_text("在现场")
    reveal(page, "diagnose")
    page.locator("#action-diagnose").get_by_label("故障代码").select_option("F-SCR")
    reveal(page, "diagnose")
    page.locator("#action-diagnose").get_by_label("检测结果").fill("屏幕排线松动")
    act(page, "diagnose", "诊断")
    expect(page.locator("#ticket-status")).to_have_text("已诊断")
    act(page, "quote", "报价")
    expect(page.locator("#ticket-status")).to_have_text("维修中")
    act(page, "depart", "离开现场")
    reveal(page, "resolve")
    page.locator("#action-resolve").get_by_label("处理结果").fill("重新插好排线，测试正常")
    act(page, "resolve", "完成维修")
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    act(page, "test", "维修后已测试")  # the tested stage comes before the sign-off
    pad = page.locator("#sign-canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()
    assert page.locator("#sign-data").input_value().startswith("data:image/png;base64,")
    reveal(page, "sign_off")
    page.locator("#action-sign_off").get_by_label("签收人").fill("张伟")
    screens.shot(page, "signature", guide="engineer-signature")
    act(page, "sign_off", "客户签收")
    screens.shot(page)
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.signed_by, ticket.satisfaction) == ("resolved", "张伟", 5)
    assert base64.b64decode(ticket.signature_png).startswith(b"\x89PNG")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_customer_tracks_the_repair_on_the_portal(screens, shop):
    # given
    ticket = open_ticket(shop)
    tickets.assign(actor=shop["users"]["manager"], ticket=ticket,
                   engineer=shop["users"]["engineer"])
    page = screens.page(width=360, height=780)
    # when
    page.goto(f"{screens.base}/portal/track/")
    page.get_by_label("工单号").fill(ticket.number)
    page.get_by_label("电话").fill("13912345678")
    page.get_by_role("button", name="查询").click()
    # then
    expect(page.locator("#portal-status")).to_have_text("已派工")
    expect(page.locator(".timeline li").nth(2)).to_contain_text("已派工程师")
    expect(page.get_by_text("张工程师")).to_be_visible()
    screens.shot(page, guide="portal-track")


def test_the_portal_refuses_a_wrong_phone(screens, shop):
    # given
    ticket = open_ticket(shop)
    page = screens.page(width=360, height=780)
    # when
    page.goto(f"{screens.base}/portal/track/?number={ticket.number}&phone=13800000000")
    # then
    expect(page.locator(".error")).to_have_text("没有与此工单号和电话相符的工单。")
    expect(page.locator("#portal-status")).to_have_count(0)
    screens.shot(page)


def test_head_office_pages_the_networks_engineers_by_point(screens, shop):
    """A national network's board: twenty engineers a page, a service-point filter, at
    360 px; choosing a point shows its engineers only."""
    from tests.factories import ServicePointFactory, UserFactory

    branch = ServicePointFactory(code="TS", name="唐山站")
    for i in range(22):
        UserFactory(username=f"ts{i:02d}", name=f"唐山工程师{i:02d}", role="engineer",
                    service_point=branch)
    page = screens.login(screens.page(width=360, height=780), "admin")
    page.goto(f"{screens.base}/tickets/dispatch/")
    expect(page.locator(".dispatch-board tbody tr")).to_have_count(20)
    expect(page.get_by_role("link", name="下一页工程师 →")).to_be_visible()
    screens.shot(page, "network")
    page.get_by_label("服务网点").select_option(label="唐山站")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".dispatch-board tbody tr")).to_have_count(20)
    expect(page.locator(".dispatch-board tbody")).not_to_contain_text("张工程师")
    page.get_by_role("link", name="下一页工程师 →").click()
    expect(page.locator(".dispatch-board tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="← 上一页工程师")).to_be_visible()
    screens.shot(page, "point-page-2")
