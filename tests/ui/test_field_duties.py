"""Issue 10 on the engineer's phone (360 px): tell the customer of a delay before the
appointment, arrive, take the unit away with its condition and accessories, and the tested
stage before the sign-off."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.tickets import services as tickets
from aftersales.tickets.models import Custody, Ticket, Visit

from .conftest import reveal

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]
MONDAY_MORNING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture(autouse=True)
def working_hours():
    """Appointments are booked inside working hours only (the schedule service refuses the
    rest): the clock starts on a Monday morning, so "in two hours" is always bookable."""
    with time_machine.travel(MONDAY_MORNING, tick=True):
        yield


def act(page, action: str, button: str):
    events = page.locator("#h-timeline + ol li").count()
    reveal(page, action)  # the state's main action is shown; the others sit in "more"
    page.locator(f"#action-{action}").get_by_role("button", name=button).click()
    expect(page.locator("#h-timeline + ol li")).to_have_count(events + 1)


def test_engineer_field_duties_on_a_phone(screens, shop):
    # given an assigned job with an appointment in two hours
    ticket = tickets.open_ticket(actor=shop["users"]["agent"], customer=shop["customer"],
                                 device=shop["device"], channel="phone", kind="repair",
                                 priority="normal", mode="onsite", summary="屏幕不显示")
    ticket = tickets.assign(actor=shop["users"]["manager"], ticket=ticket,
                            engineer=shop["users"]["engineer"])
    ticket = tickets.schedule_visit(actor=shop["users"]["manager"], ticket=ticket,
                                    at=timezone.now() + timedelta(hours=2))
    page = screens.login(screens.page(width=360, height=780), "engineer")
    page.goto(f"{screens.base}/tickets/{ticket.pk}/")
    # when the engineer will be late
    reveal(page, "notify_late")
    page.locator("#action-notify_late").get_by_label("迟到分钟数").fill("abc")
    reveal(page, "notify_late")
    page.locator("#action-notify_late").get_by_role("button", name="通知客户将迟到").click()
    expect(page.locator("#action-notify_late .error")).to_be_visible()
    screens.shot(page, "late-refused")
    reveal(page, "notify_late")
    page.locator("#action-notify_late").get_by_label("迟到分钟数").fill("20")
    act(page, "notify_late", "通知客户将迟到")
    # arrives, takes the unit away
    act(page, "arrive", "到达现场")
    reveal(page, "take_away")
    page.locator("#action-take_away").get_by_label("设备状况").fill("屏幕有划痕")
    reveal(page, "take_away")
    page.locator("#action-take_away").get_by_label("带走的附件（逗号分隔）").fill("充电器，数据线")
    screens.shot(page, "take-away", guide="engineer-take-away")
    act(page, "take_away", "带回维修")
    reveal(page, "diagnose")
    page.locator("#action-diagnose").get_by_label("故障代码").select_option("F-SCR")
    act(page, "diagnose", "诊断")
    act(page, "quote", "报价")
    act(page, "depart", "离开现场")
    reveal(page, "resolve")
    page.locator("#action-resolve").get_by_label("处理结果").fill("重新插好排线")
    act(page, "resolve", "完成维修")
    # then the tested stage before the sign-off
    reveal(page, "test")
    page.locator("#action-test").get_by_label("测试结果").fill("连续开机两小时正常")
    screens.shot(page, "tested", guide="engineer-tested")
    act(page, "test", "维修后已测试")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.tested_at is not None and ticket.test_note == "连续开机两小时正常"
    custody = Custody.objects.get(ticket=ticket)
    assert (custody.condition, custody.accessories, custody.taken_on_site) == (
        "屏幕有划痕", ["充电器", "数据线"], True)
    assert Visit.objects.get(ticket=ticket).late_notice_at is not None
