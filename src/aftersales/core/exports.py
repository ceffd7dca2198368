"""Every staff list exports to Excel the rows it shows: one helper, so each list's export
is its header and its rows. Text that a spreadsheet would run as a formula (=, +, -, @)
is written as text."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value):
    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) \
            else value
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return WriteOnlyCell(sheet, value=value if not hasattr(value, "__html__") else str(value))


def xlsx_response(*, filename: str, title: str, header: Sequence[str],
                  rows: Iterable[Sequence]) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    book.save(response)
    return response
