"""Finance receives an engineer's cash on the finance page: what each engineer holds and
for how long, a counted total that does not match refused next to its field (nothing
recorded), then the hand-over recorded; at 360 px too."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aftersales.billing import services as billing
from aftersales.billing.models import CashHandover

from .test_back_office import charged_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_records_an_engineers_cash_hand_over(screens, shop):
    # given: the engineer collected the 50.00 visit fee in cash
    ticket = charged_job(shop)
    engineer = shop["users"]["engineer"]
    billing.record_payment(actor=engineer, ticket=ticket, amount=Decimal("50.00"),
                           method="cash")
    page = screens.login(screens.page(width=360, height=800), "finance")
    page.goto(f"{screens.base}/finance/")
    cash = page.locator("section[aria-labelledby=h-cash]")
    expect(cash).to_contain_text("工程师持有的现金")
    expect(cash).to_contain_text("张工程师")
    # when: the amount counted is wrong
    page.get_by_label("工程师", exact=True).select_option(str(engineer.pk))
    cash.get_by_role("checkbox").check()
    page.get_by_label("清点金额").fill("40")
    page.get_by_role("button", name="登记上交").click()
    # then: refused next to the field, nothing recorded
    expect(page.locator("#ho-total-error")).to_contain_text("不符")
    assert not CashHandover.objects.exists()
    screens.shot(page, "refused")
    # when: the right amount
    page.get_by_label("清点金额").fill("50")
    page.locator("section[aria-labelledby=h-cash]").get_by_role("checkbox").check()
    page.get_by_role("button", name="登记上交").click()
    # then
    expect(page.locator(".messages")).to_contain_text("已登记现金上交")
    expect(page.locator("section[aria-labelledby=h-cash]")).to_contain_text("没有待上交的现金。")
    screens.shot(page)  # docs/guide/img/finance-cash.png is the cash section of "refused"
    handover = CashHandover.objects.get()
    assert (handover.engineer_id, handover.total) == (engineer.pk, Decimal("50.00"))
