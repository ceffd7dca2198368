"""The manager's dashboard and the reports page in the browser: the ECharts canvases are
drawn over their tables, in Chinese, on a laptop and at 360 px; an Excel import shows
its bad rows next to their row and column."""
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from aftersales.catalog.models import FaultCode
from aftersales.tickets import services as tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy(shop):
    """Three tickets today on the X9: two diagnosed with the screen fault, one resolved
    and rated."""
    manager, engineer = shop["users"]["manager"], shop["users"]["engineer"]
    fault = FaultCode.objects.get(code="F-SCR")
    for index in range(3):
        ticket = tickets.open_ticket(actor=manager, customer=shop["customer"],
                                     device=shop["device"], channel="phone", kind="repair",
                                     priority="normal", mode="remote", summary=f"屏幕故障{index}")
        tickets.respond(actor=manager, ticket=ticket)
        if index < 2:
            tickets.assign(actor=manager, ticket=ticket, engineer=engineer)
            tickets.diagnose(actor=engineer, ticket=ticket, fault_code=fault)
        if index == 0:
            tickets.resolve(actor=engineer, ticket=ticket, resolution="重装系统")
            tickets.test(actor=engineer, ticket=ticket, note="开机测试正常")
            tickets.sign_off(actor=engineer, ticket=ticket, signed_by="张伟", satisfaction=5)
    return shop


def _drawn(page, at_least: int) -> int:
    page.wait_for_function(
        f"document.querySelectorAll('.chart[data-drawn] canvas').length >= {at_least}")
    return page.locator(".chart[data-drawn] canvas").count()


def test_the_managers_home_is_the_dashboard_with_its_charts(screens, busy):
    page = screens.login(screens.page(), "manager")
    expect(page).to_have_url(f"{screens.base}/reports/dashboard/")
    expect(page.get_by_role("heading", name="仪表盘")).to_be_visible()
    expect(page.locator(".kpi-tiles")).to_contain_text("今日受理")
    assert _drawn(page, 4) >= 4
    expect(page.locator("#report-faults table")).to_contain_text("屏幕不显示")
    screens.shot(page, guide="dashboard")
    narrow = screens.login(screens.page(width=360, height=780), "manager")
    assert _drawn(narrow, 4) >= 4
    screens.shot(narrow, "360")


def test_the_reports_page_draws_each_report_with_its_table(screens, busy):
    page = screens.login(screens.page(), "manager")
    today = timezone.localdate()
    page.goto(f"{screens.base}/reports/?from={today.replace(day=1)}&to={today}")
    expect(page.get_by_role("heading", name="报表", exact=True)).to_be_visible()
    assert _drawn(page, 3) >= 3  # KPIs, weekly volumes, fault analysis (others may be empty)
    expect(page.locator("#report-kpis table")).to_contain_text("张工程师")
    expect(page.locator("#report-volumes table")).to_contain_text("电话")
    text = page.locator("main").inner_text()
    for raw in ("repair", "phone", "None", "service_point", "调出"):
        assert raw not in text
    with page.expect_download() as download:
        page.locator("#report-kpis").get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("kpis-")
    screens.shot(page, guide="reports")


def test_an_import_reports_its_bad_rows(screens, busy):
    book = Workbook()
    sheet = book.active
    sheet.append(["序列号", "型号代码", "客户（编号或电话）"])
    sheet.append(["IMPUI-1", "X9", "13912345678"])
    sheet.append(["IMPUI-2", "NOPE", "13912345678"])
    buffer = BytesIO()
    book.save(buffer)
    page = screens.login(screens.page(), "manager")
    page.goto(f"{screens.base}/imports/")
    page.get_by_label("导入内容").select_option("devices")
    page.get_by_label("遇到错误行时").select_option("skip_bad_rows")
    page.get_by_label("工作簿（.xlsx）").set_input_files(
        files=[{"name": "devices.xlsx", "buffer": buffer.getvalue(),
                "mimeType": "application/octet-stream"}])
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#progress")).to_contain_text("已完成")
    expect(page.locator("#progress table")).to_contain_text("未知的型号。")
    expect(page.locator("#progress table")).to_contain_text("型号代码")
    screens.shot(page, guide="import")
