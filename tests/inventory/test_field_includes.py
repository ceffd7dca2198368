"""The includes the console and the portal put on their pages: what a customer holds of
our loaners, and whether their invoices are issued; Chinese first, no raw codes."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

SH = ZoneInfo("Asia/Shanghai")


def test_loans_held_in_chinese():
    loans = [{"loan": 1, "loaner": "BY-001", "serial": "LOAN0001", "model": "X9 手机",
              "ticket_id": 3, "ticket": "T2605040001", "lent_at": datetime(2026, 5, 4, 9, 30,
                                                                          tzinfo=SH),
              "due_on": date(2026, 5, 18), "overdue": True}]
    with translation.override("zh-hans"):
        html = render_to_string("inventory/_loans_held.html", {"loans": loans})
        empty = render_to_string("inventory/_loans_held.html", {"loans": []})
    assert "客户持有的备用机" in html and "已逾期" in html and "2026-05-18" in html
    assert "BY-001" in html and "T2605040001" in html
    assert "Loaner" not in html and "Overdue" not in html
    assert "没有借出的备用机。" in empty


def test_invoice_status_in_chinese():
    invoices = [{"id": 1, "payment": 9, "amount": Decimal("300.00"), "kind": "special",
                 "kind_label": "增值税专用发票（专票）", "title": "华北电力有限公司",
                 "status": "issued", "status_label": "已开具", "issued": True,
                 "number": "04512345", "issued_on": date(2026, 4, 2),
                 "requested_at": datetime(2026, 4, 1, 11, 0, tzinfo=SH)}]
    with translation.override("zh-hans"):
        html = render_to_string("billing/_invoice_status.html", {"invoices": invoices})
    assert "发票抬头" in html and "已开具" in html and "04512345" in html
    assert "Invoice" not in html and "issued" not in html
