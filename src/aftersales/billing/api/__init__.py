"""The money endpoints: payments, and the finance views (debts with ageing, daily takings,
service-point subsidy statements)."""
from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from aftersales.contracts.selectors import access_contract
from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.tickets.selectors import access_ticket

from .. import fees, selectors, services, subsidies, terms
from ..models import PaymentMethod
from ..selectors import FINANCE_READERS

router = Router(tags=["billing"])



class PaymentIn(Schema):
    ticket: int | None = None
    contract: int | None = Field(None, description="instead of ticket: a contract sold")
    amount: MoneyIn
    method: choices_literal(PaymentMethod)
    note: str = Field("", max_length=200)


class PaymentOut(Schema):
    id: int
    ticket: int | None
    ticket_number: str | None
    contract: int | None
    contract_number: str | None
    amount: Money
    method: str
    received_at: datetime
    received_by: str | None
    outstanding: Money


class DebtOut(Schema):
    ticket: int | None
    ticket_number: str | None
    contract: int | None
    contract_number: str | None
    customer: int
    customer_name: str
    device: str | None
    total: Money
    paid: Money
    outstanding: Money
    resolved_on: date
    due_on: date
    days_overdue: int
    bucket: str
    refused: bool


class DebtList(Schema):
    items: list[DebtOut]
    next: str | None
    totals: dict[str, Money]


class TakingsRow(Schema):
    method: str
    count: int
    amount: Money


class TakingsOut(Schema):
    date: date
    items: list[TakingsRow]
    total: Money


class SettleIn(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


class StatementOut(Schema):
    id: int
    service_point: int = Field(alias="service_point_id")
    service_point_code: str
    month: str
    tier: str
    per_job: Money
    jobs: int
    amount: Money

    @staticmethod
    def resolve_service_point_code(obj):
        return obj.service_point.code

    @staticmethod
    def resolve_month(obj):
        return f"{obj.month:%Y-%m}"


class SettlementOut(Schema):
    month: str
    created: bool
    items: list[StatementOut]
    total: Money


class StatementList(Schema):
    items: list[StatementOut]
    next: str | None


class ZoneFeeOut(Schema):
    zone: str
    visit: Money
    revisit_surcharge: Money
    transport: Money
    long_visit_counts_double: bool


class FeeScheduleOut(Schema):
    zones: list[ZoneFeeOut]
    long_visit_hours: str
    max_visits_without_manager: int
    on_spot_limit: Money
    credit_days: int


class PaymentRow(Schema):
    id: int
    ticket: int
    amount: Money
    method: str
    received_at: datetime
    received_by: str | None


class PaymentList(Schema):
    items: list[PaymentRow]
    next: str | None


@router.get("/fee-schedule", response={200: FeeScheduleOut, **ERRORS})
def get_fee_schedule(request):
    """The fee table in force (edited in the admin)."""
    return selectors.fee_schedule_view()


@router.get("/payments", response={200: PaymentList, **ERRORS})
def list_payments(request, ticket: int, page: int = 1, page_size: int = 50):
    try:
        found = access_ticket(actor=request.auth, ticket_id=ticket)
    except NotFound:
        raise ValidationFailed(_("Unknown ticket."), field="ticket") from None
    data = paginate(request, selectors.payment_list(ticket=found), page=page,
                    page_size=page_size)
    data["items"] = [{"id": e.pk, "ticket": found.pk, "amount": -e.amount, "method": e.method,
                      "received_at": e.created_at,
                      "received_by": e.created_by.username if e.created_by else None}
                     for e in data["items"]]
    return data


def _payment_out(entry, ticket, contract) -> dict:
    return {"id": entry.pk, "ticket": ticket.pk if ticket else None,
            "ticket_number": ticket.number if ticket else None,
            "contract": contract.pk if contract else None,
            "contract_number": contract.number if contract else None,
            "amount": -entry.amount, "method": entry.method, "received_at": entry.created_at,
            "received_by": entry.created_by.username if entry.created_by else None,
            "outstanding": selectors.charge_outstanding(charge_id=entry.charge_id)}


@router.post("/payments", response={201: PaymentOut, **ERRORS})
def record_payment(request, payload: PaymentIn,
                   idempotency_key: str | None = Header(
                       None, alias="Idempotency-Key", max_length=100,
                       description="the same key and body books once and answers the first "
                                   "payment again; the same key with another body: 409 "
                                   "`idempotency_mismatch`")):
    """Money received for a ticket or a contract. Role and service-point checks come
    before the Idempotency-Key is looked at; an engineer records payments only on their
    own tickets (403)."""
    if (payload.ticket is None) == (payload.contract is None):
        raise ValidationFailed(_("Give either a ticket or a contract."), field="ticket")
    ticket = contract = None
    try:
        if payload.ticket is not None:
            ticket = access_ticket(actor=request.auth, ticket_id=payload.ticket)
    except NotFound:
        raise ValidationFailed(_("Unknown ticket."), field="ticket") from None
    try:
        if payload.contract is not None:
            contract = access_contract(actor=request.auth, contract_id=payload.contract)
    except NotFound:
        raise ValidationFailed(_("Unknown contract."), field="contract") from None
    entry = services.record_payment(actor=request.auth, ticket=ticket, contract=contract,
                                    amount=payload.amount, method=payload.method,
                                    note=payload.note, idempotency_key=idempotency_key)
    return Status(201, _payment_out(entry, ticket, contract))



class PriceApprovalOut(Schema):
    quote: int = Field(description="the waiting quote")
    price_change: str = Field(description='"approved" once a manager has approved it')
    price_approved_by: int | None = Field(description="the manager")
    price_approved_at: datetime | None
    lines: list[dict] = Field(description="each line with its published price "
                              "(list_price) and the engineer's reason")


@router.post("/tickets/{ticket_id}/quote/price-approval",
             response={200: PriceApprovalOut, **ERRORS},
             summary="A manager approves the prices an engineer changed on the quote")
def approve_price_change(request, ticket_id: int):
    ticket = access_ticket(actor=request.auth, ticket_id=ticket_id)
    quote = services.approve_price_change(actor=request.auth, ticket=ticket)
    return {"quote": quote.pk, "price_change": quote.price_change,
            "price_approved_by": quote.price_approved_by_id,
            "price_approved_at": quote.price_approved_at,
            "lines": [{"kind": line.kind, "description": line.description,
                       "unit_price": f"{line.unit_price:.2f}",
                       "list_price": None if line.list_price is None
                       else f"{line.list_price:.2f}",
                       "price_reason": line.price_reason}
                      for line in quote.lines.order_by("position")]}

def _debt_out(charge, today: date) -> dict:
    return {"ticket": charge.ticket_id,
            "ticket_number": charge.ticket.number if charge.ticket_id else None,
            "contract": charge.contract_id,
            "contract_number": charge.contract.number if charge.contract_id else None,
            "customer": charge.customer_id, "customer_name": charge.customer.name,
            "device": charge.device.serial if charge.device_id else None,
            "total": charge.charged, "paid": charge.paid, "outstanding": charge.outstanding,
            "resolved_on": charge.resolved_on, "due_on": charge.due_on,
            "days_overdue": max(0, (today - charge.due_on).days),
            "bucket": terms.ageing_bucket(due_on=charge.due_on, today=today),
            "refused": charge.refused_at is not None}


@router.get("/finance/debts", response={200: DebtList, **ERRORS})
def list_debts(request, bucket: choices_literal(terms.AGEING_BUCKETS) | None = None,
               customer: int | None = None, page: int = 1, page_size: int = 50):
    require_role(request.auth, *FINANCE_READERS)
    from django.utils import timezone

    today = timezone.localdate()
    page_data = paginate(request, selectors.debt_list(actor=request.auth, today=today,
                                                      bucket=bucket, customer_id=customer,
                                                      include_contracts=True),
                         page=page, page_size=page_size)
    page_data["items"] = [_debt_out(charge, today) for charge in page_data["items"]]
    page_data["totals"] = selectors.debt_totals(actor=request.auth, today=today,
                                                customer_id=customer, include_contracts=True)
    return page_data


@router.get("/finance/takings", response={200: TakingsOut, **ERRORS})
def daily_takings(request, date: date | None = None):  # noqa: A002 - the public name
    require_role(request.auth, *FINANCE_READERS)
    from django.utils import timezone

    return selectors.takings(actor=request.auth, day=date or timezone.localdate())


def _settlement_out(settlement, created: bool) -> dict:
    statements = list(settlement.statements.select_related("service_point")
                      .order_by("service_point__code"))
    return {"month": f"{settlement.month:%Y-%m}", "created": created, "items": statements,
            "total": sum((s.amount for s in statements), fees.ZERO)}


@router.post("/finance/subsidies/settle", response={200: SettlementOut, 201: SettlementOut,
                                                     **ERRORS})
def settle_subsidies(request, payload: SettleIn):
    settlement, created = subsidies.settle_subsidies(
        actor=request.auth, month=subsidies.month_start(payload.month))
    return Status(201 if created else 200, _settlement_out(settlement, created))


@router.get("/finance/subsidies", response={200: StatementList, **ERRORS})
def list_subsidy_statements(request, month: str | None = None, page: int = 1,
                            page_size: int = 50):
    require_role(request.auth, *FINANCE_READERS)
    month_day = subsidies.month_start(month) if month else None
    return paginate(request, selectors.subsidy_statement_list(actor=request.auth,
                                                              month=month_day),
                    page=page, page_size=page_size)
