"""Excel in every export.

Cells: text a customer or user typed never becomes a formula and never breaks the file.
- Text starting with = + - @ (or a tab / carriage return, which some spreadsheet programs
  skip before reading a formula) gets a leading apostrophe: the cell shows the text, no
  program evaluates it (formula injection, e.g. `=HYPERLINK(...)` in a booking summary).
- Characters XML cannot hold (control characters) are dropped instead of failing the
  whole export.
Every export writes its rows through `safe_row`.

One sheet as an .xlsx download (openpyxl): a bold header row, then the rows. Used by
the money-in-the-field exports (monthly liability statements, invoice batches, cash by
age), which live below the reports app."""
from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_LEADS):
            value = "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def sheet_bytes(*, title: str, headers: list[str], rows: list[list],
                footer: list[list] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(title)[:31]
    sheet.append(safe_row(str(h) for h in headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for row in footer or []:
        sheet.append(safe_row(row))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(40, max(10, width * 1.6))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, **sheet) -> HttpResponse:
    response = HttpResponse(sheet_bytes(**sheet), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
