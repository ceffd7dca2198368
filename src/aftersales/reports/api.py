from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aftersales.core.api import ERRORS, Money

from . import appraisal, selectors
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


REGION = Field(None, description="only the service points of this region (id)")


class FaultQuery(Schema):
    month: str = Field(description="YYYY-MM")
    format: Literal["json", "xlsx"] = "json"
    region: int | None = REGION


class SlaQuery(Schema):
    from_: date = Field(alias="from")
    to: date
    format: Literal["json", "xlsx"] = "json"
    region: int | None = REGION


class AppraisalQuery(Schema):
    month: str = Field(description="YYYY-MM")
    group: Literal["engineer", "service_point"] = "engineer"
    format: Literal["json", "xlsx"] = Field("json", description="xlsx: the payroll workbook")
    region: int | None = REGION


class AppraisalRow(Schema):
    group: str
    id: int = Field(description="the engineer's or the service point's id")
    name: str
    month: str
    tickets: int = Field(description="tickets resolved in the month")
    responded_in_time: int
    response_rate: Decimal
    resolved_in_time: int
    resolution_rate: Decimal
    first_time_fix: int = Field(description="resolved with at most one visit")
    first_time_fix_rate: Decimal
    repeat_repairs: int = Field(description="the unit came back within 30 days")
    satisfaction: Decimal | None = Field(description="mean 1–5 rating, two places")
    complaints: int
    rewards: Money = Field(description="rewards minus penalties recorded for the month")


class Appraisal(Schema):
    rows: list[AppraisalRow]


@router.get("/reports/fault-analysis", response={200: FaultAnalysis, **ERRORS})
def fault_analysis(request, query: Query[FaultQuery]):
    rows = selectors.fault_analysis(actor=request.auth, month=query.month, region=query.region)
    if query.format == "xlsx":
        return workbook_response(
            title=_("Fault analysis"), filename=f"fault-analysis-{query.month}.xlsx",
            headers=[_("Model"), _("Model name"), _("Fault code"), _("Fault"), _("Component"),
                     _("Repairs"), _("Units sold"), _("Repair rate")],
            rows=[[r["model"], r["model_name"], r["fault_code"], r["fault_name"],
                   r["component"], r["repairs"], r["units_sold"], r["repair_rate"]]
                  for r in rows])
    return {"month": query.month, "rows": rows}


@router.get("/reports/sla", response={200: SlaReport, **ERRORS})
def sla_report(request, query: Query[SlaQuery]):
    totals = selectors.sla_compliance(actor=request.auth, since=query.from_, until=query.to,
                                      region=query.region)
    if query.format == "xlsx":
        keys = list(SlaReport.model_fields)
        return workbook_response(
            title=_("SLA compliance"), filename=f"sla-{query.from_}-{query.to}.xlsx",
            headers=[_("Tickets"), _("Responded in time"), _("On site in time"),
                     _("Resolved in time"), _("Breached")],
            rows=[[totals[k] for k in keys]])
    return totals


@router.get("/reports/appraisal", response={200: Appraisal, **ERRORS})
def appraisal_report(request, query: Query[AppraisalQuery]):
    """The monthly appraisal per engineer or per service point (docs/network.md)."""
    rows = appraisal.appraisal(actor=request.auth, month=query.month, group=query.group,
                               region=query.region)
    if query.format == "xlsx":
        return workbook_response(
            title=_("Appraisal"), filename=f"appraisal-{query.group}-{query.month}.xlsx",
            headers=[_("Name"), _("Tickets"), _("Response rate"), _("Resolution rate"),
                     _("First-time fix rate"), _("Repeat repairs"), _("Satisfaction"),
                     _("Complaints"), _("Rewards and penalties")],
            rows=[[r["name"], r["tickets"], r["response_rate"], r["resolution_rate"],
                   r["first_time_fix_rate"], r["repeat_repairs"], r["satisfaction"],
                   r["complaints"], r["rewards"]] for r in rows])
    return {"rows": rows}
