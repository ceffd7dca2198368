"""The service budget against spend, parts consumption, weekly volumes, revenue, debts
and the monthly fault analysis sent to R&D/production: exact per row, equal in Excel."""
from datetime import datetime
from io import BytesIO

import time_machine
from openpyxl import load_workbook

from aftersales.demo.scheduling import run_all_sweeps
from aftersales.network.services import create_staff
from aftersales.notifications.models import Outbox
from aftersales.reports.models import FaultReportDelivery
from tests.conftest import ApiClient

from .conftest import TZ, assert_excel_equals, same


def test_budget_against_spend(budget_data):
    api = ApiClient(budget_data)
    body = api.get("/reports/budget", {"year": 2026}).json()
    assert (body["budget_rate"], body["budget"], body["spend"]) == ("0.0300", "6000.00",
                                                                    "200.00")
    assert body["rows"] == [{
        "model": "B5", "model_name": "B5 平板", "units_sold": 100, "factory_price": "2000.00",
        "budget": "6000.00", "parts_cost": "200.00", "subsidies": "0.00", "spend": "200.00",
        "remaining": "5800.00", "spend_rate": "0.0333"}]
    values = assert_excel_equals(api.get("/reports/budget", {"year": 2026, "format": "xlsx"}),
                                 body["rows"], headers=("型号", "型号名称"))
    assert all(same(c, v) for c, v in zip(values[1], body["rows"][0].values(), strict=True))


def test_parts_consumption(budget_data):
    api = ApiClient(budget_data)
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    rows = api.get("/reports/parts", query).json()["rows"]
    assert rows == [{"sku": "SCR-B5", "name": "屏幕", "qty": 2, "tickets": 1,
                     "cost": "200.00"}]
    values = assert_excel_equals(api.get("/reports/parts", {**query, "format": "xlsx"}), rows)
    assert all(same(c, v) for c, v in zip(values[1], rows[0].values(), strict=True))
    other_model = api.get("/reports/parts", {**query, "model": "B5"}).json()["rows"]
    assert other_model == rows


def test_weekly_volumes_revenue_and_debts(worked):
    api = ApiClient(worked)
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    volumes = api.get("/reports/volumes", query).json()["rows"]
    assert [(r["week"], r["channel"], r["kind"], r["tickets"]) for r in volumes] == [
        ("2026-W46", "phone", "repair", 4), ("2026-W47", "phone", "repair", 1)]
    assert volumes[0]["week_start"] == "2026-11-09"
    values = assert_excel_equals(api.get("/reports/volumes", {**query, "format": "xlsx"}),
                                 volumes, headers=("周", "周起始日"))
    assert values[1] == ("2026-W46", "2026-11-09", "电话", "维修", 4)
    revenue = api.get("/reports/revenue", query).json()["rows"]
    assert len(revenue) == 1 and revenue[0]["month"] == "2026-11"
    assert revenue[0]["charged"] == revenue[0]["received"]  # T2's visit was paid
    debts = api.get("/reports/debts", query).json()
    assert debts["total"] == "0.00"
    assert [r["bucket"] for r in debts["rows"]] == ["current", "1_15", "16_60", "60_plus"]


def test_the_monthly_fault_analysis_goes_to_rnd_and_production_once(budget_data,
                                                                    admin_user):
    create_staff(actor=admin_user, username="rnd1", password="pass12345x", name="研发",
                 role="rnd", service_point=None, phone="13900000011")
    rnd = create_staff(actor=admin_user, username="prod1", password="pass12345x",
                       name="生产", role="production", service_point=None)
    rnd.email = "prod@example.invalid"
    rnd.save()
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=TZ), tick=False):
        first = run_all_sweeps()
        second = run_all_sweeps()
    assert (first["fault_analysis_sent"], second["fault_analysis_sent"]) == (2, 0)
    delivery = FaultReportDelivery.objects.get()
    sheet = load_workbook(BytesIO(bytes(delivery.workbook))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("型号", "型号名称", "故障代码")
    assert rows[1][:6] == ("B5", "B5 平板", "F-B5", "花屏", "屏幕", 1)
    mail = Outbox.objects.get(kind="fault_analysis", channel="email")
    assert mail.attachment_name == "fault-analysis-2026-11.xlsx"
    assert bytes(mail.attachment) == bytes(delivery.workbook)
    assert Outbox.objects.filter(kind="fault_analysis", channel="sms").count() == 1
