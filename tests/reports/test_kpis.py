"""API.md "Reports": engineer and service-point KPIs, exact per row on tickets worked
through the services under a frozen clock, and equal in the Excel (Chinese headers)."""
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import ApiClient

from .conftest import same


def test_engineer_kpis_are_exact_and_equal_in_excel(worked):
    api = ApiClient(worked)
    query = {"from": "2026-11-01", "to": "2026-11-30", "group": "engineer"}
    rows = api.get("/reports/kpis", query).json()["rows"]
    assert rows == [
        {"key": "e1", "name": "工程师一", "tickets": 4, "first_response_minutes_median": "6.0",
         "resolve_hours_median": "3.00", "first_time_fix_rate": "0.5000",
         "repeat_repairs": 1, "satisfaction_avg": "4.00"},
        {"key": "e2", "name": "工程师二", "tickets": 1, "first_response_minutes_median": "20.0",
         "resolve_hours_median": "1.00", "first_time_fix_rate": "1.0000",
         "repeat_repairs": 0, "satisfaction_avg": "4.00"},
    ]
    sheet = load_workbook(BytesIO(api.get("/reports/kpis", {**query, "format": "xlsx"})
                                  .content)).active
    values = list(sheet.values)
    assert values[0][:4] == ("键", "名称", "工单", "首次响应中位数（分钟）")
    assert len(values) == 1 + len(rows)
    for excel, row in zip(values[1:], rows, strict=True):
        assert all(same(cell, value) for cell, value in zip(excel, row.values(), strict=True))


def test_service_point_kpis_and_the_filters(worked):
    api = ApiClient(worked)
    rows = api.get("/reports/kpis", {"from": "2026-11-01", "to": "2026-11-15",
                                     "group": "service_point"}).json()["rows"]
    assert [(r["key"], r["name"], r["tickets"], r["repeat_repairs"]) for r in rows] == [
        ("SPA", "一站", 3, 0), ("SPB", "二站", 1, 0)]
    bad = api.get("/reports/kpis", {"from": "2026-11-30", "to": "2026-11-01"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "to"
    unknown = api.get("/reports/kpis", {"from": "2026-11-01", "to": "2026-11-30",
                                        "model": "NOPE"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "model"
