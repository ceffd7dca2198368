"""The monthly fault analysis and SLA compliance as tables (the same for the API, the
console and the workbook sent to R&D and production)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tables import Table

L = gettext_lazy
FAULT_COLUMNS = [
    ("model", L("Model")), ("model_name", L("Model name")), ("fault_code", L("Fault code")),
    ("fault_name", L("Fault")), ("component", L("Component")), ("repairs", L("Repairs")),
    ("units_sold", L("Units sold")), ("repair_rate", L("Repair rate"))]
SLA_COLUMNS = [
    ("tickets", L("Tickets")), ("responded_in_time", L("Responded in time")),
    ("onsite_in_time", L("On site in time")), ("resolved_in_time", L("Resolved in time")),
    ("breached", L("Breached"))]


def fault_table(rows: list[dict], month: str) -> Table:
    return Table(title=_("Fault analysis"), columns=FAULT_COLUMNS, rows=rows,
                 extra={"month": month})


def sla_table(totals: dict) -> Table:
    return Table(title=_("SLA compliance"), columns=SLA_COLUMNS, rows=[totals])
