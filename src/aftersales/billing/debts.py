"""Debt blocking: pure rules, no Django (docs/rules.md, "Debts and blocking").

* An old debt is money still owed on a charge that is refused by the customer or past its
  due date. A unit with an old debt gets no new repair, installation or maintenance until
  it is paid ("unit unpaid").
* A customer who refused to pay `block_after` repairs that are still unpaid (default 2;
  0 switches blocking off) is blocked for every new job of those kinds. The debt block
  lifts by itself as soon as no old debt is left. A block set by someone else (by hand)
  is not lifted by this rule.
* Consultations and complaints are always taken.

billing.selectors.old_debts is the same definition written as a database filter.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

BLOCK_AFTER_REFUSALS_DEFAULT = 2

#: Ticket kinds refused at intake for a blocked customer or a unit with an old debt.
DEBT_CHECKED_KINDS = frozenset({"repair", "installation", "maintenance"})


def is_old_debt(*, outstanding: Decimal, due_on: _dt.date | None, refused: bool,
                today: _dt.date) -> bool:
    """Owed money that stops service: refused, or past its due date."""
    if outstanding <= 0:
        return False
    return refused or (due_on is not None and due_on < today)


def checked_at_intake(kind: str) -> bool:
    """Whether a new ticket of this kind is refused for debts."""
    return kind in DEBT_CHECKED_KINDS


def should_block(*, refused_unpaid: int, block_after: int) -> bool:
    """Block a customer with `block_after` or more refused repairs still unpaid."""
    return block_after > 0 and refused_unpaid >= block_after


def should_lift(*, blocked_for_debt: bool, old_debts: int) -> bool:
    """Lift a debt block once no old debt is left."""
    return blocked_for_debt and old_debts == 0
