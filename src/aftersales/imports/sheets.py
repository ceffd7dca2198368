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
    header = next(sheet.iter_rows(max_row=1, values_only=True), None)
    columns = COLUMNS[kind]
    if not header:
        raise SheetError(_("The first row must hold the column headers."))
    keys = [_header_key(value, columns) for value in header]
    missing = [str(c.label) for c in columns if c.required and c.key not in keys]
    if missing:
        raise SheetError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    try:
        numbered = list(_lean_rows(book, sheet, skip=1))
    except Exception:  # anything unexpected: openpyxl's own (slower) reading decides
        numbered = list(enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2))
    out = []
    for number, values in numbered:
        record = {key: value for key, value in zip(keys, values, strict=False) if key}
        if all(v is None or str(v).strip() == "" for v in record.values()):
            continue
        out.append((number, record))
    book.close()
    return len(out), out


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column(ref: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    index = 0
    for ch in ref:
        if ch.isdigit():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


def _lean_rows(book, sheet, *, skip: int):
    """(excel row number, values) of the sheet's rows after the first `skip`, read straight
    from its XML with the C parser: what `iter_rows(values_only=True)` yields, with
    openpyxl's shared strings, date styles and epoch, at a fraction of its per-cell cost
    (it builds a dict and runs several look-ups per cell; a 100,000-row import spent most of
    its time there). Cell types: shared, inline and formula strings, numbers (dates by their
    style), booleans, errors."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    strings = sheet._shared_strings
    dates, spans = book._date_formats, book._timedelta_formats
    epoch = book.epoch
    row_tag, cell_tag, value_tag = f"{_NS}row", f"{_NS}c", f"{_NS}v"
    inline_tag, text_tag = f"{_NS}is", f"{_NS}t"
    expected = 1
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != row_tag:
                continue
            number = int(element.get("r") or expected)
            expected = number + 1
            if number <= skip:
                element.clear()
                continue
            values: list = []
            for cell in element.iter(cell_tag):
                ref = cell.get("r")
                position = _column(ref) if ref else len(values)
                kind = cell.get("t", "n")
                raw = cell.findtext(value_tag)
                if kind == "inlineStr":
                    found = cell.find(inline_tag)
                    value = "".join(t.text or "" for t in found.iter(text_tag)) \
                        if found is not None else None
                elif raw is None or raw == "":
                    value = None
                elif kind == "n":
                    value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                    style = int(cell.get("s") or 0)
                    if style in dates:
                        try:
                            value = from_excel(value, epoch, timedelta=style in spans)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"  # as openpyxl reads a date out of range
                elif kind == "s":
                    value = strings[int(raw)]
                elif kind == "b":
                    value = bool(int(raw))
                elif kind == "d":
                    value = from_ISO8601(raw)
                else:  # "str" (a formula's text), "e" (an error such as #N/A), "d"
                    value = raw
                values.extend([None] * (position - len(values)))
                values.append(value)
            element.clear()
            yield number, tuple(values)


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
