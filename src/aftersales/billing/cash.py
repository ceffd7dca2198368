"""Cash an engineer holds (PRODUCT.md "In the field"): every cash payment an engineer
takes, and with the policy's switch also WeChat/Alipay paid to an engineer's personal QR
code, is in that engineer's balance until finance records the hand-over. Finance hands
over selected payments in one action; the amount counted must equal their sum.

Lock order: the payments' ledger rows (select_for_update), then the hand-over rows; the
unique key on HandedOverPayment.entry is the last line against a payment handed over
twice.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.network.models import User

from . import field_selectors
from .amounts import parse_amount
from .field_errors import FieldMoneyCode
from .models import CashHandover, HandedOverPayment, LedgerEntry
from .services import FINANCE

MAX_PAYMENTS = 500


def _payment_ids(raw) -> list[int]:
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ValidationFailed(_("Select at least one payment."), field="payments")
    if len(raw) > MAX_PAYMENTS:
        raise ValidationFailed(_("At most %(n)d payments at once.") % {"n": MAX_PAYMENTS},
                               field="payments")
    if any(isinstance(i, bool) or not isinstance(i, int) for i in raw):
        raise ValidationFailed(_("Payments are given by their ids."), field="payments")
    if len(set(raw)) != len(raw):
        raise ValidationFailed(_("A payment is selected twice."), field="payments")
    return list(raw)


@transaction.atomic
def hand_over_cash(*, actor: User, engineer: User, payments: list[int], total: Decimal,
                   note: str = "") -> CashHandover:
    """Finance receives the engineer's money for the selected payments. Refused (and
    nothing recorded) when a payment is not that engineer's money in hand, was handed
    over already, or the amount counted differs from the payments' sum."""
    require_role(actor, *FINANCE)
    check_point(actor=actor, service_point_id=engineer.service_point_id, field="engineer")
    ids = _payment_ids(payments)
    counted = parse_amount(total, field="total")
    methods = field_selectors.held_methods()
    entries = list(LedgerEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(entries) != len(ids):
        raise ValidationFailed(_("Unknown payment."), field="payments", code=FieldMoneyCode.UNKNOWN_PAYMENT)
    for entry in entries:
        if (entry.kind != LedgerEntry.Kind.PAYMENT or entry.created_by_id != engineer.pk
                or entry.method not in methods):
            raise ValidationFailed(
                _("Payment %(id)d is not money this engineer holds.") % {"id": entry.pk},
                field="payments", code=FieldMoneyCode.NOT_ENGINEERS_CASH)
    done = set(HandedOverPayment.objects.filter(entry_id__in=ids)
               .values_list("entry_id", flat=True))
    if done:
        raise Conflict(FieldMoneyCode.ALREADY_HANDED_OVER,
                       _("Payment %(id)d was handed over already.") % {"id": min(done)},
                       field="payments")
    expected = to_money(sum((-entry.amount for entry in entries), ZERO))
    if counted != expected:
        raise ValidationFailed(
            _("The amount counted (%(counted)s) does not match the payments' sum "
              "(%(expected)s).") % {"counted": f"{counted:.2f}", "expected": f"{expected:.2f}"},
            field="total", code=FieldMoneyCode.TOTAL_MISMATCH)
    today = timezone.localdate()
    handover = CashHandover.objects.create(
        number=next_number(prefix="CH", period=f"{today:%Y%m}", width=4), engineer=engineer,
        total=expected, note=(note or "")[:200], received_by=actor)
    try:
        with transaction.atomic():
            HandedOverPayment.objects.bulk_create([
                HandedOverPayment(handover=handover, entry=entry, amount=-entry.amount)
                for entry in entries])
    except IntegrityError:  # a concurrent hand-over took one of them just now
        raise Conflict(FieldMoneyCode.ALREADY_HANDED_OVER, _("A payment was handed over already."),
                       field="payments") from None
    return handover
