"""Every staff list exports to Excel: tickets, alerts, debts by age, stock; Chinese
headers, the rows the page shows, and text that would run as a formula stays text."""
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.inventory import services as inventory
from aftersales.tickets import services as tickets
from aftersales.tickets.sweeps import run_sweeps
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def rows_of(user, url, params=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_alerts_export(shop):
    agent, manager = shop["users"]["agent"], shop["users"]["manager"]
    ticket = tickets.open_ticket(actor=agent, customer=shop["customer"], device=shop["device"],
                                 channel="phone", kind="repair", priority="normal",
                                 mode="onsite", summary="=HYPERLINK(\"x\")")
    ticket = tickets.contact(actor=agent, ticket=ticket)  # the promised call-back is kept
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        run_sweeps()
    rows = rows_of(manager, "/alerts/export.xlsx")
    assert rows[0][:3] == ["事项", "工单", "客户"]
    assert [r[:3] for r in rows[1:]] == [["响应超时", ticket.number, "张伟"]]


def test_stock_export(shop):
    warehouse = WarehouseFactory(code="HQ-01", service_point=shop["hq"])
    inventory.receive_stock(actor=shop["users"]["admin"], warehouse=warehouse,
                            part=shop["part"], qty=3)
    rows = rows_of(shop["users"]["warehouse"], "/warehouse/stock.xlsx")
    assert rows[0][:4] == ["仓库", "物料编码", "配件", "现有量"]
    assert [r[:4] for r in rows[1:]] == [["HQ-01", "SCR-X9", "X9 屏幕总成", 3]]


def test_debts_export(shop):
    from decimal import Decimal

    from aftersales.catalog.models import FaultCode

    users = shop["users"]
    ticket = tickets.open_ticket(actor=users["agent"], customer=shop["customer"],
                                 device=shop["device"], channel="phone", kind="repair",
                                 priority="normal", mode="onsite", summary="摔坏")
    ticket = tickets.assign(actor=users["manager"], ticket=ticket, engineer=users["engineer"])
    ticket = tickets.arrive(actor=users["engineer"], ticket=ticket)
    ticket = tickets.diagnose(actor=users["engineer"], ticket=ticket, cause="misuse",
                              fault_code=FaultCode.objects.get(code="F-SCR"))
    ticket = tickets.quote(actor=users["engineer"], ticket=ticket, lines=[
        {"kind": "labour", "description": "维修", "qty": 1, "rate": "STD"}])  # 80.00
    ticket = tickets.approve_quote(actor=users["agent"], ticket=ticket)
    ticket = tickets.depart(actor=users["engineer"], ticket=ticket, outcome="fixed")
    ticket = tickets.resolve(actor=users["engineer"], ticket=ticket, resolution="已修复")
    rows = rows_of(users["finance"], "/finance/debts.xlsx")
    assert rows[0] == ["工单", "客户", "未付金额", "应付日期", "已拒付"]
    assert len(rows) == 2 and rows[1][:2] == [ticket.number, "张伟"]
    assert Decimal(str(rows[1][2])) > 0


def test_formula_text_is_kept_as_text():
    from aftersales.core.exports import xlsx_response

    response = xlsx_response(filename="x.xlsx", title="x", header=["a"],
                             rows=[["=1+1"], ["@SUM(A1)"], ["正常文字"]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("=1+1", "s"), ("@SUM(A1)", "s"), ("正常文字", "s")]
