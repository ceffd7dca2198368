from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aftersales.core.api import ERRORS, XLSX_RESPONSE

from . import selectors
from .excel import workbook_response

router = Router(tags=["reports"])


class FaultRow(Schema):
    model: str
    model_name: str
    fault_code: str
    fault_name: str
    component: str
    repairs: int
    units_sold: int
    repair_rate: Decimal = Field(description="repairs / units sold, four decimals")


class FaultAnalysis(Schema):
    month: str
    rows: list[FaultRow]


class SlaReport(Schema):
    tickets: int
    responded_in_time: int
    onsite_in_time: int
    resolved_in_time: int
    breached: int


class FaultQuery(Schema):
    month: str = Field(description="YYYY-MM")
    format: Literal["json", "xlsx"] = "json"


class SlaQuery(Schema):
    from_: date = Field(alias="from")
    to: date
    format: Literal["json", "xlsx"] = "json"


@router.get("/reports/fault-analysis", response={200: FaultAnalysis, **ERRORS},
            openapi_extra=XLSX_RESPONSE)
def fault_analysis(request, query: Query[FaultQuery]):
    rows = selectors.fault_analysis(actor=request.auth, month=query.month)
    if query.format == "xlsx":
        return workbook_response(
            title=_("Fault analysis"), filename=f"fault-analysis-{query.month}.xlsx",
            headers=[_("Model"), _("Model name"), _("Fault code"), _("Fault"), _("Component"),
                     _("Repairs"), _("Units sold"), _("Repair rate")],
            rows=[[r["model"], r["model_name"], r["fault_code"], r["fault_name"],
                   r["component"], r["repairs"], r["units_sold"], r["repair_rate"]]
                  for r in rows])
    return {"month": query.month, "rows": rows}


@router.get("/reports/sla", response={200: SlaReport, **ERRORS}, openapi_extra=XLSX_RESPONSE)
def sla_report(request, query: Query[SlaQuery]):
    totals = selectors.sla_compliance(actor=request.auth, since=query.from_, until=query.to)
    if query.format == "xlsx":
        keys = list(SlaReport.model_fields)
        return workbook_response(
            title=_("SLA compliance"), filename=f"sla-{query.from_}-{query.to}.xlsx",
            headers=[_("Tickets"), _("Responded in time"), _("On site in time"),
                     _("Resolved in time"), _("Breached")],
            rows=[[totals[k] for k in keys]])
    return totals
