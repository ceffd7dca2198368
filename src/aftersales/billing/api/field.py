"""API.md "Additions": money in the field. `/cash` (what engineers hold, with its age),
`/cash/balances` (by age; also as Excel), `/cash/handovers` (finance only); staff
liabilities and the monthly statement per engineer (Excel for payroll); claims at our
cost; fee disputes; VAT invoice requests (with the export for the tax system); refunds.
Thin: parse, access, one service call, shape."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.contracts.selectors import access_contract
from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.excel import xlsx_response
from aftersales.core.money import ZERO
from aftersales.core.scoping import require_role
from aftersales.network.selectors import access_staff
from aftersales.tickets.selectors import access_ticket

from .. import cash, claims, disputes, field_selectors, invoices, liability, refunds
from ..field_errors import FieldMoneyCode
from ..models import Charge, FieldMoneyPolicy
from ..selectors import charge_outstanding
from ..subsidies import month_start

router = Router(tags=["money in the field"])

READERS = ("admin", "manager", "finance")


def _engineer(request, engineer_id: int, field: str = "engineer"):
    try:
        return access_staff(actor=request.auth, user_id=engineer_id)
    except NotFound:
        raise ValidationFailed(_("Unknown engineer."), field=field) from None


def _ticket(request, ticket_id: int, field: str = "ticket"):
    try:
        return access_ticket(actor=request.auth, ticket_id=ticket_id)
    except NotFound:
        raise ValidationFailed(_("Unknown ticket."), field=field) from None


def _charge(request, ticket_id: int | None, contract_id: int | None) -> Charge:
    """The charge of a ticket or of a contract sold the actor may see."""
    if (ticket_id is None) == (contract_id is None):
        raise ValidationFailed(_("Give either a ticket or a contract."), field="ticket")
    if ticket_id is not None:
        owner, field = {"ticket": _ticket(request, ticket_id)}, "ticket"
    else:
        try:
            owner = {"contract": access_contract(actor=request.auth, contract_id=contract_id)}
        except NotFound:
            raise ValidationFailed(_("Unknown contract."), field="contract") from None
        field = "contract"
    charge = field_selectors.charge_of(**owner)
    if charge is None:
        raise ValidationFailed(_("Nothing is charged on this."), field=field,
                               code=FieldMoneyCode.NOTHING_CHARGED)
    return charge


# --------------------------------------------------------------------------
# Cash
# --------------------------------------------------------------------------


class CashRow(Schema):
    payment: int = Field(description="the payment (ledger entry) id")
    engineer: int
    engineer_name: str
    ticket: int | None
    ticket_number: str | None
    contract_number: str | None
    customer: str
    amount: Money
    method: str
    received_at: datetime
    age_days: int = Field(description="whole days the engineer has held it")
    due_at: datetime = Field(description="when it must be with finance")
    overdue: bool


class CashOut(Schema):
    items: list[CashRow]
    total: Money
    overdue: Money


class CashBalanceRow(Schema):
    engineer: int
    engineer_name: str
    payments: int
    current: Money = Field(description="held less than the hand-over days")
    overdue: Money = Field(description="held for the hand-over days or longer")
    total: Money
    oldest_days: int


class CashBalancesOut(Schema):
    items: list[CashBalanceRow]
    handover_days: int


class HandoverIn(Schema):
    engineer: int
    payments: list[int] = Field(description="ids of the payments handed over")
    total: MoneyIn = Field(description="the amount finance counted; must equal the "
                                       "payments' sum")
    note: str = Field("", max_length=200)


class HandoverOut(Schema):
    id: int
    number: str
    engineer: int = Field(alias="engineer_id")
    total: Money
    payments: list[int]
    received_at: datetime
    received_by: str

    @staticmethod
    def resolve_payments(obj):
        return [row.entry_id for row in obj.payments.all()]

    @staticmethod
    def resolve_received_by(obj):
        return obj.received_by.username


class HandoverList(Schema):
    items: list[HandoverOut]
    next: str | None


@router.get("/cash", response={200: CashOut, **ERRORS})
def list_cash(request, engineer: int | None = None):
    """Cash (and personal-QR WeChat/Alipay) engineers took and finance has not received,
    oldest first, with its age. An engineer sees their own."""
    if engineer is not None:
        _engineer(request, engineer)
    rows = field_selectors.cash_rows(actor=request.auth, engineer_id=engineer)
    return {"items": rows, "total": sum((r["amount"] for r in rows), ZERO),
            "overdue": sum((r["amount"] for r in rows if r["overdue"]),
                           ZERO)}


@router.get("/cash/balances", response={200: CashBalancesOut, **ERRORS})
def cash_balances(request, format: Literal["json", "xlsx"] = "json"):  # noqa: A002
    """Per engineer: money held, within the hand-over days and overdue."""
    require_role(request.auth, *READERS)
    rows = field_selectors.cash_balances(actor=request.auth)
    days = FieldMoneyPolicy.current().handover_days
    if format == "xlsx":
        return xlsx_response(
            filename=f"cash-by-age-{timezone.localdate():%Y%m%d}.xlsx",
            title=_("Cash by age"),
            headers=[_("Engineer"), _("Payments"), _("Within the hand-over days"),
                     _("Overdue"), _("Total"), _("Oldest (days)")],
            rows=[[r["engineer_name"], r["payments"], r["current"], r["overdue"], r["total"],
                   r["oldest_days"]] for r in rows])
    return {"items": rows, "handover_days": days}


@router.post("/cash/handovers", response={201: HandoverOut, **ERRORS})
def hand_over_cash(request, payload: HandoverIn):
    """Finance receives an engineer's money for the selected payments (finance only)."""
    require_role(request.auth, "admin", "finance")
    engineer = _engineer(request, payload.engineer)
    handover = cash.hand_over_cash(actor=request.auth, engineer=engineer,
                                   payments=payload.payments, total=payload.total,
                                   note=payload.note)
    return Status(201, handover)


@router.get("/cash/handovers", response={200: HandoverList, **ERRORS})
def list_handovers(request, engineer: int | None = None, page: int = 1, page_size: int = 50):
    require_role(request.auth, *READERS)
    return paginate(request, field_selectors.handover_list(actor=request.auth,
                                                           engineer_id=engineer),
                    page=page, page_size=page_size)


# --------------------------------------------------------------------------
# Staff liability
# --------------------------------------------------------------------------


class LiabilityIn(Schema):
    ticket: int
    kind: Literal["uncollected_fee", "unapproved_work"]
    amount: MoneyIn | None = Field(None, description="unapproved_work: the work not charged "
                                                     "to the customer")
    note: str = Field("", max_length=200)


class LiabilityOut(Schema):
    id: int
    engineer: int = Field(alias="engineer_id")
    ticket: int = Field(alias="ticket_id")
    ticket_number: str
    kind: str
    amount: Money
    status: Literal["open", "cleared", "written_off"]
    reason: str
    created_at: datetime
    settled_at: datetime | None

    @staticmethod
    def resolve_ticket_number(obj):
        return obj.ticket.number


class LiabilityList(Schema):
    items: list[LiabilityOut]
    next: str | None


class WriteOffIn(Schema):
    reason: str = Field(max_length=200)


class StatementLine(Schema):
    id: int
    ticket: str
    customer: str
    kind: str
    kind_label: str
    amount: Money
    booked_on: date
    status: str
    settled_on: date | None
    reason: str


class LiabilityStatementOut(Schema):
    engineer: int
    engineer_name: str
    month: str
    lines: list[StatementLine]
    totals: dict[str, Money] = Field(description="opening, booked, cleared, written_off, "
                                                 "closing (to settle against the pay)")


@router.post("/liabilities", response={201: LiabilityOut, **ERRORS})
def book_liability(request, payload: LiabilityIn):
    """Book a staff receivable on the ticket's engineer (manager or finance)."""
    ticket = _ticket(request, payload.ticket)
    return Status(201, liability.book_liability(actor=request.auth, ticket=ticket,
                                                kind=payload.kind, amount=payload.amount,
                                                note=payload.note))


@router.get("/liabilities", response={200: LiabilityList, **ERRORS})
def list_liabilities(request, engineer: int | None = None,
                     status: Literal["open", "cleared", "written_off"] | None = None,
                     page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.liability_list(actor=request.auth,
                                                            engineer_id=engineer,
                                                            status=status),
                    page=page, page_size=page_size)


@router.post("/liabilities/{liability_id}/write-off", response={200: LiabilityOut, **ERRORS})
def write_off_liability(request, liability_id: int, payload: WriteOffIn):
    found = field_selectors.access_liability(actor=request.auth, liability_id=liability_id)
    return liability.write_off_liability(actor=request.auth, liability=found,
                                         reason=payload.reason)


@router.get("/liabilities/statement", response={200: LiabilityStatementOut, **ERRORS})
def liability_statement(request, engineer: int, month: str,
                        format: Literal["json", "xlsx"] = "json"):  # noqa: A002
    """An engineer's monthly statement for payroll; `?format=xlsx` for Excel."""
    require_role(request.auth, *READERS)
    person = _engineer(request, engineer)
    data = field_selectors.liability_statement(engineer=person, month=month_start(month))
    if format == "xlsx":
        t = data["totals"]
        return xlsx_response(
            filename=f"liability-{person.username}-{data['month']}.xlsx",
            title=f"{data['engineer_name']} {data['month']}",
            headers=[_("Ticket"), _("Customer"), _("Kind"), _("Amount"), _("Booked on"),
                     _("Status"), _("Settled on"), _("Reason")],
            rows=[[x["ticket"], x["customer"], x["kind_label"], x["amount"], x["booked_on"],
                   x["status"], x["settled_on"], x["reason"]] for x in data["lines"]],
            footer=[[_("Open at the start"), "", "", t["opening"]],
                    [_("Booked"), "", "", t["booked"]],
                    [_("Cleared (the customer paid)"), "", "", t["cleared"]],
                    [_("Written off"), "", "", t["written_off"]],
                    [_("Open at the end (settled against the pay)"), "", "", t["closing"]]])
    return data


# --------------------------------------------------------------------------
# Claims at our cost
# --------------------------------------------------------------------------


class ClaimIn(Schema):
    ticket: int
    kind: Literal["customer_loss", "our_fault", "supplier_warranty"]
    description: str = Field(max_length=500)
    cost: MoneyIn = Field(0, description="our cost: compensation, parts, labour")


class ClaimDecisionIn(Schema):
    cost: MoneyIn | None = None
    note: str = Field("", max_length=200)


class ClaimOut(Schema):
    id: int
    number: str
    kind: str
    ticket: int = Field(alias="ticket_id")
    customer: int = Field(alias="customer_id")
    description: str
    status: Literal["pending", "approved", "rejected"]
    cost: Money
    waived: Money = Field(description="the customer's charge adjusted away")
    booked: Money = Field(description="cost + waived: what the claim costs us")
    decision_note: str


class ClaimList(Schema):
    items: list[ClaimOut]
    next: str | None


@router.post("/claims", response={201: ClaimOut, **ERRORS})
def open_claim(request, payload: ClaimIn):
    ticket = _ticket(request, payload.ticket)
    return Status(201, claims.open_claim(actor=request.auth, ticket=ticket, kind=payload.kind,
                                         description=payload.description, cost=payload.cost))


@router.get("/claims", response={200: ClaimList, **ERRORS})
def list_claims(request, status: Literal["pending", "approved", "rejected"] | None = None,
                page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.claim_list(actor=request.auth, status=status),
                    page=page, page_size=page_size)


@router.post("/claims/{claim_id}/approve", response={200: ClaimOut, **ERRORS})
def approve_claim(request, claim_id: int, payload: ClaimDecisionIn):
    found = field_selectors.access_claim(actor=request.auth, claim_id=claim_id)
    return claims.approve_claim(actor=request.auth, claim=found, cost=payload.cost,
                                note=payload.note)


@router.post("/claims/{claim_id}/reject", response={200: ClaimOut, **ERRORS})
def reject_claim(request, claim_id: int, payload: ClaimDecisionIn):
    found = field_selectors.access_claim(actor=request.auth, claim_id=claim_id)
    return claims.reject_claim(actor=request.auth, claim=found, note=payload.note)


# --------------------------------------------------------------------------
# Fee disputes
# --------------------------------------------------------------------------


class DisputeIn(Schema):
    ticket: int | None = None
    contract: int | None = None
    complaint: str = Field(max_length=500)


class DecisionIn(Schema):
    decision: Literal["upheld", "reduced", "waived"]
    amount: MoneyIn | None = Field(None, description="reduced: by how much")
    reason: str = Field("", max_length=200)


class DisputeOut(Schema):
    id: int
    ticket: int | None
    customer: int = Field(alias="customer_id")
    complaint: str
    status: Literal["open", "upheld", "reduced", "waived"]
    reduced_by: Money
    reason: str
    adjustment: int | None = Field(alias="adjustment_id",
                                   description="the ledger adjustment booked")
    outstanding: Money

    @staticmethod
    def resolve_ticket(obj):
        return obj.charge.ticket_id

    @staticmethod
    def resolve_outstanding(obj):
        return charge_outstanding(charge_id=obj.charge_id)


class DisputeList(Schema):
    items: list[DisputeOut]
    next: str | None


@router.post("/disputes", response={201: DisputeOut, **ERRORS})
def open_dispute(request, payload: DisputeIn):
    charge = _charge(request, payload.ticket, payload.contract)
    return Status(201, disputes.open_dispute(actor=request.auth, charge=charge,
                                             complaint=payload.complaint))


@router.get("/disputes", response={200: DisputeList, **ERRORS})
def list_disputes(request, status: Literal["open", "upheld", "reduced", "waived"] | None = None,
                  page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.dispute_list(actor=request.auth, status=status),
                    page=page, page_size=page_size)


@router.post("/disputes/{dispute_id}/decide", response={200: DisputeOut, **ERRORS})
def decide_dispute(request, dispute_id: int, payload: DecisionIn):
    """A manager's decision; a reduction or waiver is a ledger adjustment."""
    found = field_selectors.access_dispute(actor=request.auth, dispute_id=dispute_id)
    return disputes.decide_dispute(actor=request.auth, dispute=found,
                                   decision=payload.decision, amount=payload.amount,
                                   reason=payload.reason)


# --------------------------------------------------------------------------
# VAT invoices
# --------------------------------------------------------------------------


class InvoiceIn(Schema):
    payment: int
    kind: Literal["ordinary", "special"]
    title: str = Field(max_length=100, description="invoice title (发票抬头)")
    taxpayer_id: str = Field("", max_length=40,
                             description="统一社会信用代码, checked by its check character")
    address_phone: str = Field("", max_length=200, description="special: required")
    bank_account: str = Field("", max_length=200, description="special: required")


class IssueIn(Schema):
    number: str = Field(max_length=30)
    issued_on: date


class InvoiceOut(Schema):
    id: int
    payment: int = Field(alias="payment_id")
    customer: int = Field(alias="customer_id")
    amount: Money
    kind: str
    title: str
    taxpayer_id: str
    status: Literal["requested", "issued", "cancelled"]
    number: str
    issued_on: date | None
    created_at: datetime


class InvoiceList(Schema):
    items: list[InvoiceOut]
    next: str | None


@router.post("/invoice-requests", response={201: InvoiceOut, **ERRORS})
def request_invoice(request, payload: InvoiceIn):
    payment = field_selectors.payment_entry(payment_id=payload.payment)
    ticket_id = payment.charge.ticket_id if payment is not None else None
    contract_id = payment.charge.contract_id if payment is not None else None
    try:
        if payment is None:
            raise NotFound()
        if ticket_id is not None:
            access_ticket(actor=request.auth, ticket_id=ticket_id)
        else:
            access_contract(actor=request.auth, contract_id=contract_id)
    except NotFound:
        raise ValidationFailed(_("Unknown payment."), field="payment") from None
    return Status(201, invoices.request_invoice(
        actor=request.auth, payment=payment, kind=payload.kind, title=payload.title,
        taxpayer_id=payload.taxpayer_id, address_phone=payload.address_phone,
        bank_account=payload.bank_account))


@router.get("/invoice-requests", response={200: InvoiceList, **ERRORS})
def list_invoices(request, status: Literal["requested", "issued", "cancelled"] | None = None,
                  format: Literal["json", "xlsx"] = "json",  # noqa: A002
                  page: int = 1, page_size: int = 50):
    """`?format=xlsx&status=requested`: the batch to import into the tax system."""
    require_role(request.auth, *READERS)
    if format == "xlsx":
        return xlsx_response(
            filename=f"invoices-{status or 'requested'}-{timezone.localdate():%Y%m%d}.xlsx",
            title=_("Invoice requests"),
            headers=[_("Request"), _("Invoice type"), _("Buyer's name (title)"),
                     _("Buyer's taxpayer ID"), _("Address and phone"), _("Bank and account"),
                     _("Amount"), _("Requested on"), _("Ticket"), _("Invoice number"),
                     _("Issued on")],
            rows=field_selectors.invoice_export_rows(actor=request.auth,
                                                     status=status or "requested"))
    return paginate(request, field_selectors.invoice_list(actor=request.auth, status=status),
                    page=page, page_size=page_size)


@router.post("/invoice-requests/{invoice_id}/issue", response={200: InvoiceOut, **ERRORS})
def record_invoice(request, invoice_id: int, payload: IssueIn):
    """Finance issued it in the tax system: its number and date."""
    found = field_selectors.access_invoice(actor=request.auth, invoice_id=invoice_id)
    return invoices.record_invoice(actor=request.auth, invoice=found, number=payload.number,
                                   issued_on=payload.issued_on)


@router.post("/invoice-requests/{invoice_id}/cancel", response={200: InvoiceOut, **ERRORS})
def cancel_invoice(request, invoice_id: int):
    found = field_selectors.access_invoice(actor=request.auth, invoice_id=invoice_id)
    return invoices.cancel_invoice_request(actor=request.auth, invoice=found)


# --------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------


class RefundIn(Schema):
    ticket: int | None = None
    contract: int | None = None
    reason: Literal["return", "overpayment"]
    amount: MoneyIn
    method: Literal["cash", "transfer", "card", "wechat", "alipay"]
    reference: str = Field("", max_length=60)
    note: str = Field("", max_length=200)


class RefundDecisionIn(Schema):
    reference: str = Field("", max_length=60, description="the transaction that paid it back")
    note: str = Field("", max_length=200)


class RefundOut(Schema):
    id: int
    ticket: int | None
    customer: int = Field(alias="customer_id")
    reason: str
    amount: Money
    method: str
    reference: str
    status: Literal["pending", "approved", "rejected"]
    entry: int | None = Field(alias="entry_id", description="the refund's ledger entry")

    @staticmethod
    def resolve_ticket(obj):
        return obj.charge.ticket_id


class RefundList(Schema):
    items: list[RefundOut]
    next: str | None


@router.post("/refunds", response={201: RefundOut, **ERRORS})
def request_refund(request, payload: RefundIn):
    charge = _charge(request, payload.ticket, payload.contract)
    return Status(201, refunds.request_refund(
        actor=request.auth, charge=charge, reason=payload.reason, amount=payload.amount,
        method=payload.method, reference=payload.reference, note=payload.note))


@router.get("/refunds", response={200: RefundList, **ERRORS})
def list_refunds(request, status: Literal["pending", "approved", "rejected"] | None = None,
                 page: int = 1, page_size: int = 50):
    require_role(request.auth, *READERS)
    return paginate(request, field_selectors.refund_list(actor=request.auth, status=status),
                    page=page, page_size=page_size)


@router.post("/refunds/{refund_id}/approve", response={200: RefundOut, **ERRORS})
def approve_refund(request, refund_id: int, payload: RefundDecisionIn):
    """Finance pays it back: a refund entry in the ledger with method and reference."""
    found = field_selectors.access_refund(actor=request.auth, refund_id=refund_id)
    return refunds.approve_refund(actor=request.auth, refund=found,
                                  reference=payload.reference)


@router.post("/refunds/{refund_id}/reject", response={200: RefundOut, **ERRORS})
def reject_refund(request, refund_id: int, payload: RefundDecisionIn):
    found = field_selectors.access_refund(actor=request.auth, refund_id=refund_id)
    return refunds.reject_refund(actor=request.auth, refund=found, note=payload.note)
