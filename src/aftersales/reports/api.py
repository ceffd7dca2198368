"""API.md "Reports" and "Additions": every report as JSON and, with `?format=xlsx`, as an
Excel workbook with Chinese headers and the same figures. Filters: the period (from, to),
a model code, a service point (id) and a region (id)."""
from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aftersales.core.api import ERRORS, XLSX_RESPONSE, Money

from . import appraisal, selectors
from .excel import workbook_response
from .faults import fault_table, sla_table
from .tables import Period, Table

router = Router(tags=["reports"])
Format = Literal["json", "xlsx"]


def _answer(table: Table, fmt: str, filename: str):
    return table.as_xlsx(filename) if fmt == "xlsx" else table.as_json()


class FaultRow(Schema):
    model: str
    model_name: str
    fault_code: str
    fault_name: str
    component: str
    repairs: int
    units_sold: int = Field(description="imported sales records up to the month's end, "
                                        "else units registered as bought by then")
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
    format: Format = "json"
    region: int | None = REGION


class PeriodQuery(Schema):
    from_: date = Field(alias="from", description="first business date (inclusive)")
    to: date = Field(description="last business date (inclusive)")
    model: str | None = Field(None, description="a model code")
    service_point: int | None = Field(None, description="a service point id")
    region: int | None = REGION
    format: Format = "json"

    def period(self, actor) -> Period:
        return selectors.period(actor=actor, since=self.from_, until=self.to,
                                model=self.model, service_point=self.service_point,
                                region=self.region)


class KpiQuery(PeriodQuery):
    group: Literal["engineer", "service_point"] = "engineer"


class BudgetQuery(Schema):
    year: int = Field(ge=2000, le=2100)
    model: str | None = None
    format: Format = "json"


class KpiRow(Schema):
    key: str = Field(description="the engineer's username or the service point's code")
    name: str
    tickets: int
    first_response_minutes_median: Decimal | None
    resolve_hours_median: Decimal | None
    first_time_fix_rate: Decimal = Field(description="resolved with at most one visit / "
                                                     "resolved, four decimals")
    repeat_repairs: int = Field(description="repairs of a unit repaired in the 90 days before")
    satisfaction_avg: Decimal | None


class KpiReport(Schema):
    rows: list[KpiRow]


class BudgetRow(Schema):
    model: str
    model_name: str
    units_sold: int
    factory_price: Decimal | None
    budget: Decimal = Field(description="units sold × factory price × budget rate")
    parts_cost: Decimal
    subsidies: Decimal
    spend: Decimal
    remaining: Decimal
    spend_rate: Decimal


class BudgetReport(Schema):
    year: int
    budget_rate: Decimal = Field(description="share of the factory price (rule row)")
    budget: Decimal
    spend: Decimal
    rows: list[BudgetRow]


class TableReport(Schema):
    rows: list[dict]
    total: Decimal | None = None


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
    tickets: int = Field(description="tickets received in the month (the KPIs' basis)")
    first_response_minutes_median: Decimal | None
    resolve_hours_median: Decimal | None
    responded_in_time: int
    response_rate: Decimal
    resolved_in_time: int
    resolution_rate: Decimal
    first_time_fix: int = Field(description="resolved with at most one visit")
    first_time_fix_rate: Decimal = Field(description="of the resolved")
    repeat_repairs: int = Field(description="repairs of a unit with another repair resolved "
                                "within the repair warranty (90 days) before")
    satisfaction: Decimal | None = Field(description="mean 1–5 rating, two places")
    complaints: int
    rewards: Money = Field(description="rewards minus penalties recorded for the month")


class Appraisal(Schema):
    rows: list[AppraisalRow]


@router.get("/reports/fault-analysis", response={200: FaultAnalysis, **ERRORS},
            openapi_extra=XLSX_RESPONSE)
def fault_analysis(request, query: Query[FaultQuery]):
    rows = selectors.fault_analysis(actor=request.auth, month=query.month,
                                      region=query.region)
    return _answer(fault_table(rows, query.month), query.format,
                   f"fault-analysis-{query.month}.xlsx")


@router.get("/reports/sla", response={200: SlaReport, **ERRORS}, openapi_extra=XLSX_RESPONSE)
def sla_report(request, query: Query[PeriodQuery]):
    totals = selectors.sla_compliance(actor=request.auth, since=query.from_, until=query.to,
                                      region=query.region)
    if query.format == "xlsx":
        return sla_table(totals).as_xlsx(f"sla-{query.from_}-{query.to}.xlsx")
    return totals


@router.get("/reports/appraisal", response={200: Appraisal, **ERRORS},
            openapi_extra=XLSX_RESPONSE)
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


@router.get("/reports/kpis", response={200: KpiReport, **ERRORS}, openapi_extra=XLSX_RESPONSE)
def kpi_report(request, query: Query[KpiQuery]):
    """Engineer or service-point KPIs over the tickets received in the period."""
    table = selectors.kpis(actor=request.auth, period=query.period(request.auth),
                           group=query.group)
    return _answer(table, query.format, f"kpis-{query.group}-{query.from_}-{query.to}.xlsx")


@router.get("/reports/budget", response={200: BudgetReport, **ERRORS},
            openapi_extra=XLSX_RESPONSE)
def budget_report(request, query: Query[BudgetQuery]):
    """The service budget (2–4 % of the factory price of the units sold) against spend."""
    table = selectors.budget(actor=request.auth, year=query.year, model=query.model)
    return _answer(table, query.format, f"budget-{query.year}.xlsx")


def _table_route(name: str, summary: str):
    @router.get(f"/reports/{name}", response={200: TableReport, **ERRORS}, summary=summary,
                operation_id=f"report_{name.replace('-', '_')}", openapi_extra=XLSX_RESPONSE)
    def report(request, query: Query[PeriodQuery]):
        table = selectors.TABLES[name](actor=request.auth, period=query.period(request.auth))
        return _answer(table, query.format, f"{name}-{query.from_}-{query.to}.xlsx")
    report.__name__ = f"report_{name.replace('-', '_')}"  # the operation id
    return report


for _name, _summary in (
        ("volumes", "Tickets per ISO week by channel and kind"),
        ("parts", "Parts used on tickets (issues less returns) at cost"),
        ("returned-units", "Returned units by model: refurbished, factory repair, scrapped"),
        ("complaints", "Complaints per month and cause"),
        ("satisfaction", "Ticket ratings and survey answers per month"),
        ("revenue", "Charged and received per month"),
        ("debts", "Outstanding money by age on the period's last day"),
        ("subsidies", "Monthly subsidy statements of the service points")):
    _table_route(_name, _summary)
