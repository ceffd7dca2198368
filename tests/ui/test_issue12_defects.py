"""Issue 12's first paragraph, defect by defect: each test sets up what a new user met and
asserts it is gone (one test per defect, each able to fail). Deeper tests of the same
behaviour are named in each docstring.

The browser test of the 360 px quote grid borrows the fixtures of tests/ui."""
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.billing.services import bill_contract
from aftersales.catalog.models import FaultCode
from aftersales.contracts.services import sign_contract
from aftersales.core.templatetags.ui import money
from aftersales.customers.services import add_contact
from aftersales.notifications.models import Alert
from aftersales.tickets.sweeps import run_sweeps
from tests.catalog.factories import KnowledgeArticleFactory
from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    PartFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)
from tests.tickets.factories import open_test_ticket
from tests.ui.conftest import reveal
from tests.ui.test_no_raw_codes import offenders, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    point = ServicePointFactory(code="SJZ", name="石家庄站")
    people = {role: UserFactory(username=role, name=name, role=role, service_point=point)
              for role, name in (("agent", "李客服"), ("manager", "王经理"),
                                 ("engineer", "张工"))}
    model = ProductModelFactory(code="X9", name="星耀 X9", category="手机",
                                warranty_months=12)
    customer = CustomerFactory(name="张伟", phone="13912345678", service_point=point)
    device = DeviceFactory(serial="XY2601000001", imei="861234567890123", customer=customer,
                           model=model, purchase_date=timezone.localdate() - timedelta(days=30),
                           invoice_no="FP1")
    FaultCode.objects.get_or_create(code="F-SCR", defaults={"name": "屏幕故障",
                                                            "component": "屏幕"})
    PartFactory(sku="SCR-X9", name="X9 屏幕总成", price="480.00", cost="320.00")
    return {"point": point, **people, "customer": customer, "device": device, "model": model}


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def act(user, ticket, action, **fields):
    response = ApiClient(user).post(f"/tickets/{ticket.pk}/actions/{action}", fields)
    assert response.status_code == 200, response.content
    return response.json()


def quoted(world, *, cause="misuse", price="480.00"):
    """A job diagnosed as the customer's fault and quoted (awaiting the customer)."""
    ticket = open_test_ticket(actor=world["agent"], customer=world["customer"],
                              device=world["device"])
    act(world["manager"], ticket, "assign", engineer=world["engineer"].pk)
    act(world["engineer"], ticket, "arrive")
    act(world["engineer"], ticket, "diagnose", fault_code="F-SCR", findings="屏幕进水损坏",
        cause=cause)
    # a price other than the catalogue's is the manager's own (prices as published)
    quoter = world["engineer"] if price == "480.00" else world["manager"]
    act(quoter, ticket, "quote", lines=[
        {"kind": "part", "sku": "SCR-X9", "description": "X9 屏幕总成", "qty": 1,
         "unit_price": price}])
    return ticket


def ticket_page(user, ticket):
    response = client_of(user).get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def part(html, marker, end):
    start = html.index(marker)
    return html[start:html.index(end, start)]


def test_the_ticket_page_shows_findings_warranty_and_why_the_customer_pays(world):
    """Was: only the PDF said 保外. (tests/tickets/test_ticket_story.py)"""
    html = ticket_page(world["agent"], quoted(world))
    story = part(html, 'id="story"', "</section>")
    assert "F-SCR" in story and "屏幕进水损坏" in story
    decision = part(story, 'id="warranty-decision"', "</dd>")
    assert "保外" in decision and "使用不当造成损坏" in decision  # the reason in words
    assert "X9 屏幕总成" in story and "¥480.00" in story


def test_one_main_step_instead_of_a_stack_of_forms(world):
    """Was: one ticket stacked ten action forms. (tests/tickets/test_one_next_step.py)"""
    ticket = open_test_ticket(actor=world["agent"], customer=world["customer"],
                              device=world["device"])
    html = ticket_page(world["manager"], ticket)
    assert html.count('id="main-action"') == 1
    main = part(html, 'id="main-action"', "</form>")
    assert main.count("<form ") == 1 and 'id="action-respond"' in main
    assert 'id="more-actions"' in html and "其他操作" in html


def test_a_total_beside_nothing_owed_says_why(world):
    """Was: 合计 ¥130 beside 未付金额 ¥0.00 with no word. (test_ticket_story.py)"""
    html = ticket_page(world["agent"], quoted(world))
    said = part(html, 'id="money-said"', "</div>")
    assert "客户尚未确认" in said


def test_the_sweeps_alerts_are_on_a_screen(world):
    """Was: ten first-response alerts no screen showed.
    (tests/notifications/test_alerts_reach_people.py, tests/ui/test_role_days.py)"""
    ticket = open_test_ticket(actor=world["agent"], customer=world["customer"],
                              device=world["device"])
    act(world["agent"], ticket, "contact")  # the promised call-back kept: only the response
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        run_sweeps()
    html = client_of(world["manager"]).get("/alerts/").content.decode()
    assert 'id="alert-count">1<' in html
    row = part(html, f'id="alert-{Alert.objects.get(ticket=ticket).pk}"', "</tr>")
    assert "响应超时" in row and ticket.number in row and ">确认</button>" in row


def test_an_active_annual_contract_keeps_old_devices_in_warranty(world):
    """Was: three devices under an annual contract marked 已过保 in red.
    (tests/console/test_warranty_badges.py)"""
    old = [DeviceFactory(serial=f"OLD0000{i}", customer=world["customer"], model=world["model"],
                         purchase_date=date(2023, 5, 1), invoice_no=f"FP{i}") for i in range(3)]
    today = timezone.localdate()
    sign_contract(actor=world["manager"], customer=world["customer"], kind="annual",
                  starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300),
                  price="1200.00", devices=old, bill=bill_contract)
    html = client_of(world["agent"]).get(f"/customers/{world['customer'].pk}/").content.decode()
    for device in old:
        row = part(html, device.serial, "</tr>")
        assert 'data-covered="1"' in row and "过保" not in row
        assert f"{today + timedelta(days=300):%Y-%m-%d}" in row


@pytest.mark.parametrize("said", ["张", "5678", "IMEI", "NUMBER"])
def test_the_hotline_box_finds_what_callers_say(world, said):
    """Was: nothing for a one-character surname, the last 4 digits, part of a ticket
    number, part of an IMEI. (tests/customers/test_hotline_search.py)"""
    ticket = open_test_ticket(actor=world["agent"], customer=world["customer"],
                              device=world["device"])
    CustomerFactory(name="李四", phone="13800001111", service_point=world["point"])
    q = {"IMEI": world["device"].imei[-6:], "NUMBER": ticket.number[-6:]}.get(said, said)
    html = client_of(world["agent"]).get("/customers/hotline/", {"q": q},
                                         HTTP_HX_REQUEST="true").content.decode()
    assert "张伟" in html and "李四" not in html
    if said == "NUMBER":
        assert ticket.number in html
    if said == "IMEI":
        assert world["device"].serial in html


def test_a_phone_that_has_an_archive_offers_it(world):
    """Was: a second customer created on the same phone.
    (tests/customers/test_hotline_search.py)"""
    from aftersales.customers.models import Customer

    response = client_of(world["agent"]).post("/customers/new/", {
        "kind": "person", "zone": "city", "name": "张伟伟", "phone": "13912345678"})
    html = response.content.decode()
    assert response.status_code == 422
    assert f'href="/customers/{world["customer"].pk}/"' in html
    assert Customer.objects.filter(phone="13912345678").count() == 1


@pytest.mark.parametrize("said, title", [
    ("不开机", "手机无法开机"), ("充不进电", "X9 无法充电"), ("没有信号", "通话无信号"),
    ("死机", "系统卡死")])
def test_the_knowledge_base_understands_everyday_words(world, said, title):
    """Was: nothing for 不开机, 充不进电, 没有信号, 死机.
    (tests/catalog/test_everyday_wording.py)"""
    for name, symptoms in (("手机无法开机", "按电源键没有反应"), ("X9 无法充电", "插上充电器没反应"),
                           ("通话无信号", "显示无服务"), ("系统卡死", "屏幕不动")):
        KnowledgeArticleFactory(title=name, symptoms=symptoms)
    html = client_of(world["agent"]).get(f"/customers/{world['customer'].pk}/",
                                         {"fault": said}, HTTP_HX_REQUEST="true")
    assert title in html.content.decode()


def test_after_signing_the_phone_shows_the_done_state(world):
    """Was: a blank signature pad again after signing. (test_one_next_step.py, the
    engineer's day in tests/ui/test_role_days.py)"""
    ticket = quoted(world)
    act(world["agent"], ticket, "approve_quote")
    act(world["engineer"], ticket, "depart", outcome="fixed")
    act(world["engineer"], ticket, "resolve", resolution="更换屏幕")
    act(world["engineer"], ticket, "test", note="开机测试正常")  # tested before the sign-off
    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
           "nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==")
    act(world["engineer"], ticket, "sign_off", signed_by="张伟", signature=png)
    html = client_of(world["engineer"]).get(f"/tickets/my-day/{ticket.pk}/").content.decode()
    done = part(html, 'id="done-state"', "</div>")
    assert "张伟" in done and 'src="data:image/png;base64,' in done
    assert 'id="sign-canvas"' not in html and 'id="action-sign_off"' not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_quote_grid_is_usable_at_360px(screens, shop):  # noqa: F811
    """Was: every cell truncated to a character (酉, 亻, BAT, 12(). (the engineer's day in
    tests/ui/test_role_days.py)"""
    from aftersales.tickets import services as tickets

    ticket = tickets.open_ticket(actor=shop["users"]["agent"], customer=shop["customer"],
                                 device=shop["device"], channel="phone", kind="repair",
                                 priority="normal", mode="onsite", summary="屏幕不显示")
    ticket = tickets.assign(actor=shop["users"]["manager"], ticket=ticket,
                            engineer=shop["users"]["engineer"])
    ticket = tickets.arrive(actor=shop["users"]["engineer"], ticket=ticket)
    ticket = tickets.diagnose(actor=shop["users"]["engineer"], ticket=ticket,
                              fault_code=FaultCode.objects.get(code="F-SCR"),
                              findings="屏幕损坏", cause="misuse")
    page = screens.login(screens.page(width=360, height=780), "engineer")
    page.goto(f"{screens.base}/tickets/my-day/{ticket.pk}/")
    reveal(page, "quote")
    quote = page.locator("#action-quote")
    expect(quote.locator("#q0-sku")).to_be_visible()
    widths = quote.locator(".quote-line input, .quote-line select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().width)")
    assert widths and min(widths) >= 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_logout_lands_on_our_login_page(world):
    """Was: Django admin's 感谢您今天与本网站共享一段美好时光."""
    response = client_of(world["agent"]).post("/logout/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/login/"
    assert "售后服务管理系统" in html and 'name="username"' in html
    assert "感谢您今天与本网站共享一段美好时光" not in html and "/admin/" not in html


def test_no_raw_codes_or_english_on_chinese_screens(world):
    """Was: `response_overdue` and "Customer not found." on Chinese screens.
    (tests/ui/test_no_raw_codes.py renders every page)"""
    open_test_ticket(actor=world["agent"], customer=world["customer"], device=world["device"])
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        run_sweeps()
    client = client_of(world["manager"])
    alerts = visible_text(client.get("/alerts/").content.decode())
    missing = client.get("/customers/999999/")
    assert missing.status_code == 404
    assert offenders(alerts) == [] and "响应超时" in alerts
    assert offenders(visible_text(missing.content.decode())) == []


def test_money_reads_with_thousands_separators(world):
    """Was: ¥175200.00."""
    assert money("175200") == "¥175,200.00"
    html = ticket_page(world["agent"], quoted(world, price="175200.00"))
    assert "¥175,200.00" in html and "¥175200.00" not in html


def test_the_sla_target_column_is_labelled_time_allowed(world):
    """Was: the SLA target's time column labelled 金额 in the admin."""
    admin = UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)
    html = client_of(admin).get("/admin/tickets/slatarget/").content.decode()
    head = part(html, "<thead>", "</thead>")
    assert "时限" in head and "金额" not in head


def test_the_contacts_phone_finds_the_company(world):
    """Part of the hotline defect: a company reached through its contact's phone."""
    company = CustomerFactory(name="石家庄恒通商贸有限公司", kind="company",
                              phone="031187654321", service_point=world["point"])
    add_contact(actor=world["manager"], customer=company, name="赵六", phone="13700009876")
    html = client_of(world["agent"]).get("/customers/hotline/", {"q": "9876"},
                                         HTTP_HX_REQUEST="true").content.decode()
    assert "石家庄恒通商贸有限公司" in html
