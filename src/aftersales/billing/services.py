"""Billing writes: quotes and the customer's decision, charges falling due, payments,
refusals and the debt blocks they cause, subsidy settlement.

The tickets workflow calls check_intake, quote_ticket, approve_quote, reject_quote,
require_approved, post_charges and refuse_payment inside its own transaction with the
ticket row locked. Every money change is a LedgerEntry; the Charge row of a ticket is
the lock taken before any of them, so two payments of one debt cannot both pass.
Lock order: charge, then customer.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.idempotency import claim, clean_key, settle
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import require_role
from aftersales.customers.models import Customer
from aftersales.network.models import User

from . import debts, fees, liability, selectors, terms
from .errors import BillingCode
from .models import (
    BillingPolicy,
    Charge,
    ChargeLine,
    DebtBlockEvent,
    LabourRate,
    LedgerEntry,
    PaymentMethod,
    Quote,
    QuoteLine,
)

#: The lines a rejected quote still charges: what was agreed before it (the trips).
AGREED_BEFORE_QUOTE = ("visit", "revisit")
PAYMENT_TAKERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE, User.Role.ENGINEER)
FINANCE = (User.Role.ADMIN, User.Role.FINANCE)


# --------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------


def check_intake(*, customer: Customer, device=None, kind: str) -> None:
    """Refuse a repair, installation or maintenance for a customer blocked for debt or a
    unit with an unpaid repair; consultations and complaints are always taken."""
    if not debts.checked_at_intake(kind):
        return
    blocked, reason = Customer.objects.filter(pk=customer.pk).values_list(
        "blocked", "blocked_reason").get()
    if blocked:
        raise Conflict(BillingCode.CUSTOMER_BLOCKED,
                       _("The customer is blocked: %(reason)s") % {"reason": reason}
                       if reason else _("The customer is blocked."), field="customer")
    if device is not None and selectors.device_has_unpaid_repair(device_id=device.pk):
        raise Conflict(BillingCode.DEVICE_UNPAID,
                       _("This unit has an unpaid repair; it must be paid first."),
                       field="device")


# --------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------


def _amount_in(value: object, *, field: str) -> Decimal:
    """A client's amount: a string, an integer or a JSON number, at most two decimals.
    A JSON number arrives as a float; its shortest decimal form is what the client wrote."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed(_("Not a valid amount."), field=field)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValidationFailed(_("Not a valid amount."), field=field) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationFailed(_("An amount has at most two decimals."), field=field)
    return fees.money(amount)


#: Who may price a line by hand (their own price is the manager's approval).
PRICE_SETTERS = (User.Role.ADMIN, User.Role.MANAGER)


class _Priced:
    """An engineer-entered line with where its price came from."""

    def __init__(self, item: fees.ItemInput, *, rate: str, list_price: Decimal | None,
                 reason: str):
        self.item, self.rate, self.list_price, self.reason = item, rate, list_price, reason

    @property
    def changed(self) -> bool:
        """Priced other than published (or with no published price at all)."""
        return self.list_price is None or self.item.unit_price != self.list_price


def _item(index: int, raw: object, *, factory_price: Decimal | None,
          may_price: bool) -> _Priced:
    """One engineer-entered line; every refusal names its field (lines.<i>.<key>).

    The price comes from the catalogue (a part's SKU), the labour-rate table (``rate``)
    or the unit's factory-repair price. A price typed over it, or a line with no published
    price, is a price change: someone who may not set prices gives a ``price_reason`` and
    a manager approves it; a labour line must name its ``rate`` unless a manager prices it.
    """
    prefix = f"lines.{index}."
    if not isinstance(raw, dict):
        raise ValidationFailed(_("A quote line must be an object."), field=f"lines.{index}")
    kind = raw.get("kind")
    if kind not in fees.ITEM_KINDS:
        raise ValidationFailed(_("Kind must be part, labour or factory_repair."),
                               field=prefix + "kind")
    sku = raw.get("sku") or None
    if sku is not None and not isinstance(sku, str):
        raise ValidationFailed(_("Unknown part."), field=prefix + "sku")
    part = None
    if sku is not None:
        part = Part.objects.filter(sku=sku.strip()).first()
        if part is None:
            raise ValidationFailed(_("Unknown part."), field=prefix + "sku")
    code = raw.get("rate") or None
    rate = None
    if code is not None:
        if not isinstance(code, str) or kind != "labour":
            raise ValidationFailed(_("Only a labour line names a labour rate."),
                                   field=prefix + "rate")
        rate = LabourRate.objects.filter(code=code.strip(), active=True).first()
        if rate is None:
            raise ValidationFailed(_("Unknown labour rate."), field=prefix + "rate")
    elif kind == "labour" and part is None and not may_price:
        raise ValidationFailed(_("A labour line takes its price from the labour-rate "
                                 "table: choose a rate."), field=prefix + "rate")
    description = raw.get("description")
    if description is None or (isinstance(description, str) and not description.strip()):
        description = part.name if part is not None else rate.name if rate is not None else ""
    if not isinstance(description, str) or not description.strip():
        raise ValidationFailed(_("A description is required."), field=prefix + "description")
    if len(description.strip()) > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200},
                               field=prefix + "description")
    qty = raw.get("qty", 1)
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= 100000:
        raise ValidationFailed(_("The quantity must be a whole number of at least 1."),
                               field=prefix + "qty")
    if part is not None:
        list_price = to_money(part.price)
    elif rate is not None:
        list_price = to_money(rate.price)
    elif kind == "factory_repair" and factory_price is not None:
        list_price = to_money(factory_price)
    else:
        list_price = None
    unit_price = raw.get("unit_price")
    if unit_price is None:
        if list_price is None:
            raise ValidationFailed(_("A price is required for a line without a part."),
                                   field=prefix + "unit_price")
        unit_price = list_price
    unit_price = _amount_in(unit_price, field=prefix + "unit_price")
    if unit_price < 0 or unit_price >= Decimal("1e10"):
        raise ValidationFailed(_("The price must not be negative."),
                               field=prefix + "unit_price")
    covered = raw.get("covered")
    if covered is not None and not isinstance(covered, bool):
        raise ValidationFailed(_("Must be true, false or absent."), field=prefix + "covered")
    reason = raw.get("price_reason") or ""
    if not isinstance(reason, str) or len(reason.strip()) > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200},
                               field=prefix + "price_reason")
    priced = _Priced(fees.ItemInput(kind=kind, description=description.strip(), qty=qty,
                                    unit_price=unit_price, sku=part.sku if part else None,
                                    covered=covered),
                     rate=rate.code if rate else "", list_price=list_price,
                     reason=reason.strip())
    if priced.changed and not may_price and not priced.reason:
        raise ValidationFailed(_("A price other than the published one needs a reason for "
                                 "the manager."), field=prefix + "price_reason")
    return priced


def _price(*, ticket, items=(), transport: int = 0) -> fees.Quote:
    return fees.build_quote(
        schedule=selectors.fee_schedule(), zone=ticket.customer.zone,
        visits=selectors.visits_of(ticket=ticket), large_unit_transports=transport,
        items=items, coverage=selectors.coverage_for(ticket=ticket))


@transaction.atomic
def quote_ticket(*, actor: User, ticket, lines: list[dict] | None = None,
                 transport: int = 0) -> Quote:
    """Price the job (trips from the ticket's visits, transport, parts, labour, factory
    repair; free what warranty or a contract covers) and keep it as the ticket's quote,
    replacing one still waiting. A quote above zero waits for the customer; a free one is
    approved at once."""
    if isinstance(transport, bool) or not isinstance(transport, int) or not 0 <= transport <= 100:
        raise ValidationFailed(_("Transport is a count of large-unit transports."),
                               field="transport")
    if lines is not None and not isinstance(lines, list):
        raise ValidationFailed(_("Lines must be a list."), field="lines")
    may_price = actor is not None and (actor.is_superuser or actor.role in PRICE_SETTERS)
    factory_price = (ticket.device.model.factory_price
                     if ticket.device_id is not None else None)
    entered = [_item(index, raw, factory_price=factory_price, may_price=may_price)
               for index, raw in enumerate(lines or [])]
    items = [line.item for line in entered]
    coverage = selectors.coverage_for(ticket=ticket)
    priced = _price(ticket=ticket, items=items, transport=transport)
    now = timezone.now()
    Quote.objects.filter(ticket=ticket, status=Quote.Status.PENDING).update(
        status=Quote.Status.SUPERSEDED)
    changed = any(line.changed for line in entered)
    price_change = "" if not changed else "approved" if may_price else "pending"
    waiting = priced.needs_approval or price_change == "pending"
    quote = Quote.objects.create(
        ticket=ticket, status=Quote.Status.PENDING if waiting else Quote.Status.APPROVED,
        zone=ticket.customer.zone, coverage=coverage.line_reason if coverage.covered else "",
        transport=transport, total=priced.total, needs_manager=priced.needs_manager,
        created_by=actor, decided_at=None if waiting else now, price_change=price_change,
        price_approved_by=actor if price_change == "approved" else None,
        price_approved_at=now if price_change == "approved" else None)
    item_lines = iter(entered)
    rows = []
    for position, line in enumerate(priced.lines, start=1):
        source = next(item_lines) if line.kind in fees.ITEM_KINDS else None
        rows.append(QuoteLine(
            quote=quote, position=position, kind=line.kind,
            description=line.description[:200], qty=line.qty, unit_price=line.unit_price,
            amount=line.amount, covered_reason=line.covered_reason or "",
            sku=(source.item.sku or "") if source else "", rate=source.rate if source else "",
            list_price=source.list_price if source else line.unit_price,
            price_reason=source.reason if source else ""))
    QuoteLine.objects.bulk_create(rows)
    return quote


@transaction.atomic
def approve_price_change(*, actor: User, ticket) -> Quote:
    """A manager approves the prices an engineer changed on the waiting quote (the lines
    keep the published price and the engineer's reason); then the customer is asked."""
    require_role(actor, *PRICE_SETTERS)
    quote = _pending_quote(ticket)
    if quote.price_change != "pending":
        raise Conflict(BillingCode.NO_PRICE_CHANGE, _("No changed price waits for a manager."))
    quote.price_change = "approved"
    quote.price_approved_by = actor
    quote.price_approved_at = timezone.now()
    quote.save(update_fields=["price_change", "price_approved_by", "price_approved_at"])
    return quote


def _pending_quote(ticket) -> Quote:
    quote = (Quote.objects.select_for_update()
             .filter(ticket=ticket, status=Quote.Status.PENDING).first())
    if quote is None:
        raise Conflict(BillingCode.NO_PENDING_QUOTE, _("No quote is waiting for the customer."))
    return quote


@transaction.atomic
def approve_quote(*, actor: User, ticket) -> Quote:
    """The customer agrees: the quoted work may start and will be charged. A price an
    engineer changed must have a manager's approval first."""
    quote = _pending_quote(ticket)
    if quote.price_change == "pending":
        raise Conflict(BillingCode.PRICE_NOT_APPROVED,
                       _("A changed price waits for a manager's approval."))
    quote.status = Quote.Status.APPROVED
    quote.decided_at = timezone.now()
    quote.decided_by = actor
    quote.save(update_fields=["status", "decided_at", "decided_by"])
    return quote


@transaction.atomic
def reject_quote(*, actor: User, ticket) -> Quote:
    """The customer refuses: no quoted work is done or charged; what was agreed before the
    quote (the trips) falls due now, as the job ends."""
    quote = _pending_quote(ticket)
    quote.status = Quote.Status.REJECTED
    quote.decided_at = timezone.now()
    quote.decided_by = actor
    quote.save(update_fields=["status", "decided_at", "decided_by"])
    _book(actor=actor, ticket=ticket, quote=quote,
          lines=[line for line in quote.lines.order_by("position")
                 if line.kind in AGREED_BEFORE_QUOTE])
    return quote


def require_approved(*, ticket) -> None:
    """No chargeable work (parts, resolve) while a quote above zero waits or was refused."""
    quote = selectors.current_quote(ticket=ticket)
    if quote is not None and quote.status in (Quote.Status.PENDING, Quote.Status.REJECTED):
        raise Conflict(BillingCode.QUOTE_NOT_APPROVED,
                       _("The customer has not approved the quote.") if
                       quote.status == Quote.Status.PENDING else
                       _("The customer rejected the quote."))


# --------------------------------------------------------------------------
# Charges
# --------------------------------------------------------------------------


def _resolved_on(ticket) -> date:
    return timezone.localdate(ticket.resolved_at) if ticket.resolved_at else timezone.localdate()


def _book(*, actor: User | None, ticket, lines: list, quote: Quote | None
          ) -> Charge | None:
    """Make `lines` the ticket's charge: the first time a charge row and a ledger row;
    later (re-resolved after a reopen) a new posting of lines and a ledger adjustment
    for the difference. Nothing to charge and nothing charged before: no row at all."""
    total = to_money(sum((line.amount for line in lines), ZERO))
    policy = BillingPolicy.current()
    resolved_on = _resolved_on(ticket)
    due_on = terms.due_date(total=total, resolved_on=resolved_on,
                            on_spot_limit=policy.on_spot_limit, credit_days=policy.credit_days)
    charge = Charge.objects.select_for_update().filter(ticket=ticket).first()
    if charge is None:
        if total == 0:
            return None
        charge = Charge.objects.create(ticket=ticket, customer_id=ticket.customer_id,
                                       device_id=ticket.device_id, quote=quote, posting=1,
                                       resolved_on=resolved_on, due_on=due_on)
        _copy_lines(charge, lines)
        LedgerEntry.objects.create(charge=charge, customer_id=charge.customer_id,
                                   kind=LedgerEntry.Kind.CHARGE, amount=total,
                                   created_by=actor)
        return charge
    charged = to_money(sum(e.amount for e in charge.entries.all()
                           if e.kind in selectors.CHARGED_KINDS))
    old = [(line.kind, line.description, line.amount) for line in
           charge.lines.filter(posting=charge.posting).order_by("position")]
    new = [(line.kind, line.description, line.amount) for line in lines]
    if old == new and charged == total:
        return charge
    charge.posting += 1
    charge.quote = quote
    charge.resolved_on = resolved_on
    charge.due_on = due_on
    charge.save(update_fields=["posting", "quote", "resolved_on", "due_on"])
    _copy_lines(charge, lines)
    if total != charged:
        LedgerEntry.objects.create(charge=charge, customer_id=charge.customer_id,
                                   kind=LedgerEntry.Kind.ADJUSTMENT, amount=total - charged,
                                   created_by=actor, note=_("Charges posted again."))
    _update_block(actor=actor, customer_id=charge.customer_id)
    return charge


def _copy_lines(charge: Charge, lines: list) -> None:
    ChargeLine.objects.bulk_create([
        ChargeLine(charge=charge, posting=charge.posting, position=position, kind=line.kind,
                   description=line.description[:200], qty=line.qty,
                   unit_price=line.unit_price, amount=line.amount,
                   covered_reason=line.covered_reason or "")
        for position, line in enumerate(lines, start=1)])


@transaction.atomic
def post_charges(*, actor: User, ticket) -> Charge | None:
    """On resolve the charges fall due: the approved quote's lines, or (no quote, or it
    was rejected) the trips alone. Up to the on-the-spot limit the same day, above it
    within the credit days. None when nothing is owed."""
    if selectors.at_our_cost(ticket=ticket):  # an approved claim: nothing is charged
        return _book(actor=actor, ticket=ticket, quote=None,
                     lines=list(_price(ticket=ticket).lines))
    quote = selectors.current_quote(ticket=ticket)
    if quote is not None and quote.status == Quote.Status.APPROVED:
        return _book(actor=actor, ticket=ticket, quote=quote,
                     lines=list(quote.lines.order_by("position")))
    if quote is not None and quote.status == Quote.Status.REJECTED:
        return _book(actor=actor, ticket=ticket, quote=quote,
                     lines=[line for line in quote.lines.order_by("position")
                            if line.kind in AGREED_BEFORE_QUOTE])
    priced = _price(ticket=ticket)
    return _book(actor=actor, ticket=ticket, quote=None, lines=list(priced.lines))


# --------------------------------------------------------------------------
# Payments, refusals and blocks
# --------------------------------------------------------------------------


@transaction.atomic
def bill_contract(*, actor: User | None, contract) -> Charge | None:
    """A contract sold (signed or renewed) is owed at its price, due by the same terms as
    a job: up to the on-the-spot limit on signing, above it within the credit days."""
    price = to_money(contract.price)
    if price <= 0:
        return None
    existing = Charge.objects.select_for_update().filter(contract=contract).first()
    if existing is not None:
        return existing
    policy = BillingPolicy.current()
    signed_on = contract.signed_on or contract.starts_on
    charge = Charge.objects.create(
        contract=contract, customer_id=contract.customer_id, resolved_on=signed_on,
        due_on=terms.due_date(total=price, resolved_on=signed_on,
                              on_spot_limit=policy.on_spot_limit,
                              credit_days=policy.credit_days))
    ChargeLine.objects.create(charge=charge, posting=1, position=1, kind="contract",
                              description=_("Contract %(number)s") % {"number": contract.number},
                              qty=1, unit_price=price, amount=price)
    LedgerEntry.objects.create(charge=charge, customer_id=contract.customer_id,
                               kind=LedgerEntry.Kind.CHARGE, amount=price, created_by=actor)
    return charge


@transaction.atomic
def record_payment(*, actor: User, ticket=None, contract=None,
                   amount: Decimal, method: str, note: str = "",
                   idempotency_key: str | None = None) -> LedgerEntry:
    """Money received for a ticket (or a contract sold). More than is outstanding is
    refused; the charge row is locked first, so a concurrent second payment sees the
    first. An engineer takes money only on their own tickets. With `idempotency_key`
    (checked after the role and scope checks), a retry of the same payment answers the
    first entry and books nothing; the same key for another payment is 409."""
    require_role(actor, *PAYMENT_TAKERS)
    if (ticket is None) == (contract is None):
        raise ValidationFailed(_("Pay either a ticket or a contract."), field="ticket")
    if not actor.is_superuser and actor.role == User.Role.ENGINEER and (
            ticket is None or ticket.engineer_id != actor.pk):
        raise Forbidden(_("Engineers record payments only on their own tickets."))
    key = clean_key(idempotency_key)
    record = None
    if key is not None:
        record, first = claim(scope=f"payment:{actor.pk}", key=key, body={
            "ticket": ticket.pk if ticket else None,
            "contract": contract.pk if contract else None,
            "amount": str(amount), "method": method, "note": note})
        if not first:
            return LedgerEntry.objects.get(pk=record.result_id)
    return _book_payment(actor=actor, ticket=ticket, contract=contract, amount=amount,
                         method=method, note=note, record=record)


@transaction.atomic
def record_provider_payment(*, ticket, amount: Decimal, method: str,
                            reference: str) -> LedgerEntry:
    """Money a payment provider confirmed in a verified notification (the customer paid
    online, no staff member took it): booked as record_payment books, with the provider's
    transaction as the note. The caller keeps it once per provider order."""
    return _book_payment(actor=None, ticket=ticket, contract=None, amount=amount,
                         method=method, note=reference)


def _book_payment(*, actor: User | None, ticket, contract, amount: Decimal,
                  method: str, note: str, record=None) -> LedgerEntry:
    if (ticket is None) == (contract is None):
        raise ValidationFailed(_("Pay either a ticket or a contract."), field="ticket")
    if method not in PaymentMethod.values:
        raise ValidationFailed(_("Unknown payment method."), field="method")
    if isinstance(amount, float):
        raise ValidationFailed(_("Not a valid amount."), field="amount")
    try:
        amount = to_money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(_("Not a valid amount."), field="amount") from None
    if amount <= 0:
        raise ValidationFailed(_("The amount must be above zero."), field="amount")
    owner = {"ticket_id": ticket.pk} if ticket is not None else {"contract_id": contract.pk}
    charge = Charge.objects.select_for_update().filter(**owner).first()
    outstanding = selectors.charge_outstanding(charge_id=charge.pk) if charge else ZERO
    if amount > outstanding:
        raise ValidationFailed(
            _("The amount is more than the %(outstanding)s outstanding.")
            % {"outstanding": f"{outstanding:.2f}"}, field="amount",
            code=BillingCode.EXCEEDS_OUTSTANDING)
    entry = LedgerEntry.objects.create(charge=charge, customer_id=charge.customer_id,
                                       kind=LedgerEntry.Kind.PAYMENT, amount=-amount,
                                       method=method, note=note[:200], created_by=actor)
    liability.clear_paid_liabilities(actor=actor, charge=charge)
    _update_block(actor=actor, customer_id=charge.customer_id)
    if record is not None:
        settle(record, result_id=entry.pk)
    return entry


@transaction.atomic
def refuse_payment(*, actor: User, ticket, note: str = "") -> None:
    """The customer refuses to pay the ticket's debt: it becomes an old debt at once (the
    unit gets no new repair) and counts toward blocking the customer."""
    charge = Charge.objects.select_for_update().filter(ticket_id=ticket.pk).first()
    if charge is None or selectors.charge_outstanding(charge_id=charge.pk) <= 0:
        raise Conflict(BillingCode.NOTHING_OUTSTANDING, _("Nothing is owed on this ticket."))
    if charge.refused_at is not None:
        raise Conflict(BillingCode.ALREADY_REFUSED, _("The refusal is already recorded."))
    charge.refused_at = timezone.now()
    charge.refused_note = (note or "")[:200]
    charge.save(update_fields=["refused_at", "refused_note"])
    _update_block(actor=actor, customer_id=charge.customer_id)


def _update_block(*, actor: User | None, customer_id: int) -> Customer:
    """Block a customer with enough refused unpaid repairs; lift a debt block as soon as no
    old debt (refused or overdue) is left. A block set by anyone else is left alone."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    old = selectors.old_debts().filter(customer_id=customer_id)
    refused = old.filter(refused_at__isnull=False).count()
    policy = BillingPolicy.current()
    if not customer.blocked:
        if debts.should_block(refused_unpaid=refused, block_after=policy.block_after_refusals):
            reason = _("Refused to pay %(count)d repairs; service resumes when every old "
                       "debt is paid.") % {"count": refused}
            _set_block(actor=actor, customer=customer, blocked=True, reason=reason)
        return customer
    last = DebtBlockEvent.objects.filter(customer_id=customer_id).order_by("-id").first()
    blocked_for_debt = last is not None and last.blocked
    if debts.should_lift(blocked_for_debt=blocked_for_debt, old_debts=old.count()):
        _set_block(actor=actor, customer=customer, blocked=False, reason="")
    return customer


def _set_block(*, actor: User | None, customer: Customer, blocked: bool, reason: str) -> None:
    customer.blocked = blocked
    customer.blocked_reason = reason[:200]
    customer.save(update_fields=["blocked", "blocked_reason"])
    DebtBlockEvent.objects.create(customer=customer, blocked=blocked, reason=reason[:200],
                                  by=actor)


@transaction.atomic
def review_debt_blocks(*, actor: User | None, customer: Customer) -> Customer:
    """Re-evaluate a customer's debt block (e.g. from the admin or a nightly job)."""
    return _update_block(actor=actor, customer_id=customer.pk)
