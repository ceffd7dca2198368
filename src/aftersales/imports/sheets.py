"""The columns of each import's workbook and the reading of its cells (openpyxl).

A header cell may carry the Chinese label of the template or the column's key, so a sheet
exported from elsewhere with English keys reads as well. Pure: no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    example: object = ""


COLUMNS: dict[str, tuple[Column, ...]] = {
    "customers": (
        Column("name", _("Name"), True, "张三"),
        Column("kind", _("Kind (person/company)"), True, "person"),
        Column("phone", _("Phone"), True, "13812345678"),
        Column("zone", _("Fee zone (city/prefecture/province)"), True, "city"),
        Column("email", _("E-mail")),
        Column("address", _("Address"), False, "石家庄市长安区中山东路1号"),
        Column("credit_code", _("Unified social credit code")),
    ),
    "devices": (
        Column("serial", _("Serial number"), True, "SN2026000001"),
        Column("model", _("Model code"), True, "X9"),
        Column("customer", _("Customer (number or phone)"), True, "13812345678"),
        Column("imei", _("IMEI")),
        Column("purchase_date", _("Purchase date"), False, "2026-01-15"),
        Column("invoice_no", _("Invoice number")),
        Column("warranty_card_no", _("Warranty card number")),
        Column("manufactured_on", _("Manufacture date")),
        Column("dealer", _("Dealer")),
    ),
    "sales": (
        Column("model", _("Model code"), True, "X9"),
        Column("month", _("Month (YYYY-MM)"), True, "2026-01"),
        Column("units", _("Units sold"), True, 1200),
    ),
    "stock": (
        Column("warehouse", _("Warehouse code"), True, "HQ-WH"),
        Column("sku", _("SKU"), True, "P-SCREEN"),
        Column("qty", _("Quantity"), True, 10),
        Column("unit_cost", _("Unit cost")),
    ),
}


class SheetError(Exception):
    """The workbook as a whole cannot be read (not .xlsx, no header, unknown columns)."""


def template(kind: str) -> bytes:
    """An empty workbook with the kind's headers (Chinese labels) and one example row."""
    with translation.override("zh-hans"):
        return _template(kind)


def _template(kind: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(kind)
    columns = COLUMNS[kind]
    sheet.append([str(c.label) + (" *" if c.required else "") for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([c.example for c in columns])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_key(value, columns) -> str | None:
    text = str(value or "").strip().rstrip("*").strip()
    for column in columns:
        if text == column.key or text in _labels(column):
            return column.key
    return None


def _labels(column: Column) -> set[str]:
    labels = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels.add(str(column.label))
    return labels


def read_rows(kind: str, content: bytes) -> tuple[int, list[tuple[int, dict]]]:
    """(number of data rows, [(excel row number, {key: cell value})]); blank rows skipped."""
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise SheetError(_("This is not an Excel workbook (.xlsx).")) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    columns = COLUMNS[kind]
    if not header:
        raise SheetError(_("The first row must hold the column headers."))
    keys = [_header_key(value, columns) for value in header]
    missing = [str(c.label) for c in columns if c.required and c.key not in keys]
    if missing:
        raise SheetError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    out = []
    for number, values in enumerate(rows, start=2):
        record = {key: value for key, value in zip(keys, values, strict=False) if key}
        if all(v is None or str(v).strip() == "" for v in record.values()):
            continue
        out.append((number, record))
    book.close()
    return len(out), out


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_date(value) -> date | None:
    """A date cell, or text written 2026-01-15 / 2026/01/15; ValueError otherwise."""
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value).replace("/", "-").replace(".", "-")
    return date.fromisoformat("-".join(part.zfill(2) for part in raw.split("-")))


def as_month(value) -> date:
    if isinstance(value, (datetime, date)):
        return as_date(value).replace(day=1)
    raw = text(value).replace("/", "-").replace(".", "-")
    year, _sep, month = raw.partition("-")
    return date(int(year), int(month), 1)


def as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text(value))
