"""API.md "Imports": every row checked, each bad one reported as (row, column, reason);
all-or-nothing imports nothing when a row is bad, skip-bad-rows imports the others."""
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from aftersales.catalog.models import SalesRecord
from aftersales.catalog.services import create_product_model
from aftersales.customers.models import Customer
from aftersales.customers.services import create_customer
from aftersales.devices.models import Device
from aftersales.devices.services import register_device
from aftersales.imports.models import ImportJob
from aftersales.imports.sheets import COLUMNS
from tests.factories import valid_imei


def _book(kind: str, rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append([str(c.label) for c in COLUMNS[kind]])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, kind, content, mode):
    return client.client.post(
        f"/api/v1/imports/{kind}",
        {"file": SimpleUploadedFile(f"{kind}.xlsx", content), "mode": mode},
        **client.headers)


@pytest.fixture
def installed_base(admin_user):
    create_product_model(actor=admin_user, code="X9", name="X9", category="手机")
    owner = create_customer(actor=admin_user, name="大客户", kind="company",
                            phone="13811112222", zone="city")
    taken = register_device(actor=admin_user, serial="TAKEN-1",
                            model=create_product_model(actor=admin_user, code="Y1", name="Y1",
                                                       category="手机"), customer=owner)
    return owner, taken


def _ten_thousand_with_fifty_bad(owner) -> tuple[list[list], dict[int, str]]:
    """10,000 rows; rows with index % 200 == 7 are bad, by five reasons in turn."""
    rows, bad = [], {}
    for i in range(10000):
        serial, model, customer, imei = f"IMP{i:06d}", "X9", owner.number, valid_imei(500000 + i)
        excel_row = i + 2
        if i % 200 == 7:
            reason = ("model", "customer", "imei", "serial", "purchase_date")[(i // 200) % 5]
            bad[excel_row] = reason
            if reason == "model":
                model = "NOPE"
            elif reason == "customer":
                customer = "C-UNKNOWN"
            elif reason == "imei":
                imei = imei[:-1] + str((int(imei[-1]) + 1) % 10)
            elif reason == "serial":
                serial = "TAKEN-1"
        purchase = "2026-13-01" if bad.get(excel_row) == "purchase_date" else date(2026, 3, 1)
        rows.append([serial, model, customer, imei, purchase, "", "", None, ""])
    return rows, bad


@pytest.mark.parametrize("mode, imported", [("all_or_nothing", 0), ("skip_bad_rows", 9950)])
def test_ten_thousand_devices_with_fifty_bad_rows(admin_api, installed_base, mode, imported):
    owner, _taken = installed_base
    rows, bad = _ten_thousand_with_fifty_bad(owner)
    before = Device.objects.count()
    # when
    response = _upload(admin_api, "devices", _book("devices", rows), mode)
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows"], body["imported"], len(body["errors"])) == (10000, imported, 50)
    assert [(e["row"], e["column"]) for e in body["errors"]] == sorted(bad.items())
    assert body["status"] == ("failed" if imported == 0 else "done")
    assert Device.objects.count() - before == imported
    if imported:
        assert not Device.objects.filter(serial="IMP000007").exists()
        assert Device.objects.get(serial="IMP000008").purchase_date == date(2026, 3, 1)
    assert admin_api.get(f"/imports/{body['id']}").json()["errors"] == body["errors"]


def test_a_duplicate_inside_the_file_is_reported_on_the_second_row(admin_api, installed_base):
    owner, _ = installed_base
    rows = [["DUP1", "X9", owner.phone, None, None, "", "", None, ""],
            ["DUP1", "X9", owner.phone, None, None, "", "", None, ""]]
    body = _upload(admin_api, "devices", _book("devices", rows), "skip_bad_rows").json()
    assert (body["imported"], body["errors"]) == (1, [
        {"row": 3, "column": "serial", "reason": body["errors"][0]["reason"]}])


def test_customers_sales_and_the_template(admin_api, admin_user, installed_base):
    customers = [["李四", "个人", "13912345678", "市区", "", "北京路1号", ""],
                 ["坏号码", "person", "12345", "city", "", "", ""]]
    body = _upload(admin_api, "customers", _book("customers", customers),
                   "all_or_nothing").json()
    assert (body["status"], body["imported"]) == ("failed", 0)
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "phone")]
    assert not Customer.objects.filter(name="李四").exists()
    body = _upload(admin_api, "customers", _book("customers", customers),
                   "skip_bad_rows").json()
    assert body["imported"] == 1
    assert Customer.objects.get(name="李四").zone == "city"
    sales = [["X9", "2026-01", 1200], ["X9", "2026-02", 800], ["X9", "2026-02", "x"]]
    body = _upload(admin_api, "sales", _book("sales", sales), "skip_bad_rows").json()
    assert (body["imported"], [(e["row"], e["column"]) for e in body["errors"]]) == (
        2, [(4, "units")])
    assert [(r.month, r.units) for r in SalesRecord.objects.all()] == [
        (date(2026, 1, 1), 1200), (date(2026, 2, 1), 800)]
    template = admin_api.get("/imports/devices/template")
    sheet = load_workbook(BytesIO(template.content)).active
    assert next(sheet.values)[0] == "序列号 *"


def test_not_a_workbook_is_422_and_writes_nothing(admin_api):
    response = _upload(admin_api, "devices", b"serial,model\n", "all_or_nothing")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file"
    assert not ImportJob.objects.exists()


def test_the_command_imports_with_progress(tmp_path, admin_user, installed_base, capsys):
    owner, _ = installed_base
    path = tmp_path / "devices.xlsx"
    path.write_bytes(_book("devices", [[f"CMD{i}", "X9", owner.number, None, None, "", "",
                                        None, ""] for i in range(300)]))
    call_command("import", "devices", str(path))
    out = capsys.readouterr().out
    assert "300/300" in out and "done: 300 of 300 rows imported, 0 errors" in out
    assert Device.objects.filter(serial__startswith="CMD").count() == 300


def _import_queries(tmp_path, name, rows) -> tuple[int, ImportJob]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(_book("devices", rows))
    with CaptureQueriesContext(connection) as captured:
        call_command("import", "devices", str(path))
    return len(captured.captured_queries), ImportJob.objects.order_by("-id").first()


def test_the_device_import_costs_no_queries_per_row(tmp_path, admin_user, installed_base,
                                                    capsys):
    from django.db import connection

    # given 40 owners, referred to by number and by phone in turn, and rows with IMEIs
    owners = [create_customer(actor=admin_user, name=f"门店{i}", kind="company",
                              phone=f"1390000{i:04d}", zone="city") for i in range(40)]

    def rows(prefix, n, offset):
        return [[f"{prefix}{i:05d}", "X9",
                 owners[i % 40].number if i % 2 else owners[i % 40].phone,
                 valid_imei(offset + i), date(2026, 3, 1), f"FP{i}", "", None, "京东"]
                for i in range(n)]

    # when 200 rows and then 2,000 rows are imported
    few, job_few = _import_queries(tmp_path, "few", rows("QA", 200, 700000))
    many, job_many = _import_queries(tmp_path, "many", rows("QB", 2000, 800000))
    # then every row is in, and the queries grow with the batches (the progress every 500
    # rows, the bulk inserts of the devices and their history: 500 rows a statement on
    # PostgreSQL, fewer on SQLite, which bounds the values per statement), never per row
    assert (job_few.imported, job_many.imported) == (200, 2000)
    assert Device.objects.get(serial="QB00003").customer == owners[3]
    assert Device.objects.get(serial="QB00004").customer == owners[4]
    assert many - few <= (2000 - 200) // 20, (few, many)
    if connection.vendor == "postgresql":
        assert many - few <= 3 * (2000 // 500), (few, many)


def test_the_lean_sheet_reader_reads_what_openpyxl_reads():
    from datetime import datetime

    from openpyxl import load_workbook

    from aftersales.imports import sheets

    book = Workbook()
    sheet = book.active
    sheet.append(["serial", "model", "customer", "imei", "purchase_date"])
    sheet.append(["SN1", "X9", 13811112222, None, date(2026, 3, 1)])
    sheet.append([])  # a blank row
    sheet.append(["SN2", 7.5, "C0001", True, datetime(2026, 3, 1, 9, 30)])
    sheet["G5"] = "far right"  # a gap before it
    sheet["A6"] = "=1+1"  # a formula without a cached value
    sheet.append(["  空格 ", -3, "1.0E3", False, "2026-13-01"])
    buffer = BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    # what openpyxl's own reading gives, row by row (trailing empty cells dropped)
    reference = load_workbook(BytesIO(content), read_only=True, data_only=True)
    expected = [(n, tuple(row)) for n, row in enumerate(
        reference.worksheets[0].iter_rows(min_row=2, values_only=True), start=2)]
    lean_book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    lean = list(sheets._lean_rows(lean_book, lean_book.worksheets[0], skip=1))

    def trimmed(rows):
        out = []
        for n, row in rows:
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            if row:
                out.append((n, tuple(row)))
        return out

    assert trimmed(lean) == trimmed(expected)
    assert trimmed(lean)[0] == (2, ("SN1", "X9", 13811112222, None, datetime(2026, 3, 1)))
