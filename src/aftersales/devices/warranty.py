"""PRC 三包 warranty engine (退货、换货、保修): frozen facts in, a decision out.

Pure Python on purpose: no Django here, so every rule can be tested with
plain dates and reused from the API, the admin and Celery jobs alike.  The
service layer turns a device, its repair history and its contracts into the
dataclasses below and calls :func:`decide`.

Counting follows Chinese law: the purchase day itself is not counted, so
"within 7 days" of 1 Nov ends on 8 Nov inclusive and a 12-month warranty
from 15 Mar 2026 ends on 15 Mar 2027 inclusive.  Months clamp to the month
end (31 Jan + 1 month = 28/29 Feb).

Interpretations worth knowing:

* ``covered`` is False exactly when ``basis`` is ``"none"``; a decision that
  is not covered offers ``("paid_repair",)``, except an own-reason return,
  which then offers nothing (there is nothing to repair).
* ``needs_invoice_and_card`` is reported whenever a missing invoice or card
  is what withholds a return or exchange: inside the exchange window of a
  unit dated by its invoice, and always when the unit is dated from its
  manufacture date or cannot be dated at all (only the papers could open
  return and exchange then), and always for a refused own-reason return.
  A customer must always be told why.
* The exchange evidence (三包 for phones) is checked item by item, each
  failing item its own reason: ``invoice_mismatch`` (invoice date, model,
  IMEI or seller not matching the unit, or no seller's stamp),
  ``dates_differ`` (card and invoice dates), ``label_missing`` (network-
  access label 入网证 or IMEI label), ``casing_wear``.  An item not given
  (None) is not checked.  They are reported while a return or exchange
  window is open (that is what they withhold); a repair stays free.
* ``casing_wear`` is only reported when it actually removed an option.
* ``Unit.extension_days`` (granted for a late bench repair) lengthens the unit's own
  warranty, not an accessory's.
* A fault the engineer attributes to our previous repair
  (``Fault.caused_by_repair``) is repaired free, like the repair warranty,
  when a repair of the unit lies within the repair-warranty days (any part):
  basis ``repair_caused``.
* A repeat fault adds the exchange to what 三包 already gives: a customer
  still inside the return window keeps the return (unless casing wear).
* Repeat faults apply to performance faults; the repair warranty and
  contracts apply to performance and accessory faults.
* When the repair warranty or a contract makes a unit free, ``expired`` and
  ``no_proof`` are dropped from the reasons: ``basis`` says why it is free.
* Fault codes, part SKUs, card serials and models compare stripped and
  case-insensitively; blank ones count as absent (so "" never matches "").
* An invalid serial pattern yields no date (falls back to
  ``manufactured_on``): a bad admin setting must not block a ticket.
* Unknown ``fault.kind`` or ``cause`` raise ValueError (a bug upstream).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "ACCESSORY_MONTHS_DEFAULT",
    "FAULT_KINDS",
    "CAUSES",
    "OPTIONS",
    "BASES",
    "REASONS",
    "Policy",
    "Unit",
    "Fault",
    "Evidence",
    "PastRepair",
    "ContractCover",
    "Decision",
    "add_months",
    "exchange_start",
    "period_end",
    "manufacture_date_from_serial",
    "decide",
]

ACCESSORY_MONTHS_DEFAULT = {"earphone": 3, "battery": 6, "charger": 12, "cable": 12}

FAULT_KINDS = ("performance", "appearance", "accessory", "own_reason")
CAUSES = ("none", "misuse", "self_repair", "force_majeure")
#: Every option, in the order a decision lists them.
OPTIONS = ("return", "exchange", "free_repair", "paid_repair")
BASES = ("invoice", "manufacture_date", "contract", "repair_warranty", "repair_caused",
         "repeat_fault", "none")
#: Every reason code, in the order a decision lists them.
REASONS = (
    "misuse",
    "self_repair",
    "force_majeure",
    "card_altered",
    "card_mismatch",
    "appearance",
    "no_proof",
    "needs_invoice_and_card",
    "expired",
    "invoice_mismatch",
    "dates_differ",
    "label_missing",
    "casing_wear",
)
#: Reasons of the exchange evidence: each withholds a return or exchange, not a repair.
EVIDENCE_REASONS = ("invoice_mismatch", "dates_differ", "label_missing", "casing_wear")
#: Contract kinds that make a repair free; others (e.g. a per-visit deal) are ignored here.
CONTRACT_KINDS = ("annual", "extended")

_PAID = ("paid_repair",)
_EXCLUDING_CAUSES = ("misuse", "self_repair", "force_majeure")
# Reasons a repair warranty or a contract can overrule.
_RESCUABLE = frozenset({"expired", "no_proof"})


@dataclass(frozen=True)
class Policy:
    """Admin-editable rule values; the defaults are the product spec."""

    warranty_months: int = 12
    return_days: int = 7
    exchange_days: int = 15
    accessory_months: Mapping[str, int] = field(
        default_factory=lambda: dict(ACCESSORY_MONTHS_DEFAULT))
    repeat_fault_repairs: int = 2
    repeat_fault_window_days: int = 30
    repair_warranty_days: int = 90
    own_reason_return_days: int = 7
    #: After an exchange the new unit's 三包 periods start again on the exchange date.
    exchange_restarts_periods: bool = True


@dataclass(frozen=True)
class Unit:
    """The unit as known to us; ``serial_date_pattern`` is the model's serial layout."""

    serial: str
    model_code: str
    purchase_date: date | None = None
    manufactured_on: date | None = None
    serial_date_pattern: str | None = None
    imei: str | None = None
    dealer: str | None = None
    #: Days added to the unit's warranty (e.g. a late bench repair's extension).
    extension_days: int = 0


@dataclass(frozen=True)
class Fault:
    kind: str
    part_sku: str | None = None
    accessory_kind: str | None = None
    code: str | None = None
    #: The engineer attributes this fault to our previous repair of the unit.
    caused_by_repair: bool = False


@dataclass(frozen=True)
class Evidence:
    """What the customer showed: the proof of purchase and the unit's state.

    The exchange items (invoice details, card date, labels) are optional: None
    means not checked, so callers that know only the first six keep their meaning.
    """

    invoice: bool = False
    warranty_card: bool = False
    card_serial: str | None = None
    card_model: str | None = None
    card_altered: bool = False
    casing_wear: bool = False
    invoice_date: date | None = None
    invoice_model: str | None = None
    invoice_imei: str | None = None
    invoice_seller: str | None = None
    invoice_stamped: bool | None = None
    card_date: date | None = None
    network_label: bool | None = None
    imei_label: bool | None = None


@dataclass(frozen=True)
class PastRepair:
    repaired_on: date
    fault_code: str | None = None
    part_sku: str | None = None


@dataclass(frozen=True)
class ContractCover:
    kind: str
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True)
class Decision:
    covered: bool
    options: tuple[str, ...]
    basis: str
    warranty_ends: date | None
    reasons: tuple[str, ...]


# --------------------------------------------------------------------------
# Date arithmetic
# --------------------------------------------------------------------------

def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, clamped to the month end (31 Jan + 1 = 28/29 Feb).

    Clamping rather than rolling over keeps a period from ever ending in the
    month after the one the customer was promised.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def period_end(start: date, *, days: int = 0, months: int = 0) -> date:
    """Last day still inside a period counted from ``start`` (inclusive).

    The start day itself is not counted (Chinese law), so the period of
    n days from 1 Nov ends on 1 Nov + n days.
    """
    return add_months(start, months) + timedelta(days=days)


def manufacture_date_from_serial(serial: str, pattern: str | None) -> date | None:
    """Manufacture date encoded in ``serial`` per the model's ``pattern``.

    ``pattern`` has named groups ``year`` (2 or 4 digits; 2 digits mean
    20yy), ``month`` and optionally ``day`` (missing = the 1st).  Returns
    None when there is no pattern, no match or an impossible date.
    """
    if not pattern or not serial:
        return None
    try:
        match = re.search(pattern, serial.strip())
    except re.error:
        return None
    if match is None:
        return None
    groups = match.groupdict()
    year_s, month_s, day_s = groups.get("year"), groups.get("month"), groups.get("day")
    if not year_s or not month_s:
        return None
    try:
        year, month = int(year_s), int(month_s)
        day = int(day_s) if day_s else 1
    except ValueError:
        return None
    if len(year_s) == 2:
        year += 2000
    elif len(year_s) != 4:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def _norm(value: str | None) -> str | None:
    """Stripped, case-folded text; blank means absent."""
    if value is None:
        return None
    value = value.strip().casefold()
    return value or None


def _ordered(items: Iterable[str], order: tuple[str, ...]) -> tuple[str, ...]:
    """Unique items in the canonical order (unknown ones last, as first seen)."""
    seen = list(dict.fromkeys(items))
    known = [x for x in order if x in seen]
    return tuple(known + [x for x in seen if x not in order])


def _reasons(items: Iterable[str]) -> tuple[str, ...]:
    return _ordered(items, REASONS)


def _options(items: Iterable[str]) -> tuple[str, ...]:
    return _ordered(items, OPTIONS)


@dataclass(frozen=True)
class _Proof:
    start: date | None
    basis: str          # "invoice" | "manufacture_date" | "none"
    full: bool          # invoice and card and purchase date: return/exchange possible
    invoice_only: bool  # counts from purchase, but no return/exchange


def _proof(unit: Unit, evidence: Evidence) -> _Proof:
    """Where the warranty starts and whether return/exchange are open at all.

    Return and exchange need the invoice and the card; the invoice alone
    still dates the purchase.  Without an invoice the unit's age is the
    only evidence, read from the serial first (it cannot be lost), then the
    recorded manufacture date.
    """
    if evidence.invoice and unit.purchase_date is not None:
        full = evidence.warranty_card
        return _Proof(unit.purchase_date, "invoice", full, not full)
    made = manufacture_date_from_serial(unit.serial, unit.serial_date_pattern)
    if made is None:
        made = unit.manufactured_on
    if made is None:
        return _Proof(None, "none", False, False)
    return _Proof(made, "manufacture_date", False, False)


def _exclusions(unit: Unit, cause: str, evidence: Evidence) -> list[str]:
    """All reasons that put the unit outside 三包 whatever its age."""
    reasons = [cause] if cause in _EXCLUDING_CAUSES else []
    if evidence.card_altered:
        reasons.append("card_altered")
    card_model, card_serial = _norm(evidence.card_model), _norm(evidence.card_serial)
    if (card_model is not None and card_model != _norm(unit.model_code)) or (
            card_serial is not None and card_serial != _norm(unit.serial)):
        reasons.append("card_mismatch")
    return reasons


def _period_months(fault: Fault, policy: Policy) -> int:
    """Accessories have their own period; an unknown kind falls back to the unit's."""
    if fault.kind == "accessory":
        kind = _norm(fault.accessory_kind)
        months = {(_norm(k) or k): v for k, v in policy.accessory_months.items()}
        if kind is not None and kind in months:
            return months[kind]
    return policy.warranty_months


def _not_covered(reasons: Iterable[str], warranty_ends: date | None,
                 options: tuple[str, ...] = _PAID) -> Decision:
    return Decision(False, options, "none", warranty_ends, _reasons(reasons))


def _repeat_fault(fault: Fault, on: date, policy: Policy,
                  repairs: Sequence[PastRepair]) -> bool:
    """The same fault already repaired often enough, recently: the maker owes a new unit."""
    code = _norm(fault.code)
    if code is None:
        return False
    window = policy.repeat_fault_window_days
    recent = sum(
        1 for r in repairs
        if _norm(r.fault_code) == code and 0 <= (on - r.repaired_on).days <= window
    )
    return recent >= policy.repeat_fault_repairs


def _repair_warranty_end(fault: Fault, on: date, policy: Policy,
                         repairs: Sequence[PastRepair]) -> date | None:
    """End of the latest repair warranty on the same part that covers ``on``."""
    sku = _norm(fault.part_sku)
    if sku is None:
        return None
    ends = [
        period_end(r.repaired_on, days=policy.repair_warranty_days)
        for r in repairs
        if _norm(r.part_sku) == sku and r.repaired_on <= on
    ]
    ends = [e for e in ends if on <= e]
    return max(ends) if ends else None


def _contract_end(on: date, contracts: Sequence[ContractCover]) -> date | None:
    """End of the latest annual/extended contract active on ``on``."""
    ends = [
        c.ends_on for c in contracts
        if (_norm(c.kind) in CONTRACT_KINDS) and c.starts_on <= on <= c.ends_on
    ]
    return max(ends) if ends else None


def _later(a: date | None, b: date) -> date:
    return b if a is None else max(a, b)


def _evidence_reasons(unit: Unit, evidence: Evidence) -> list[str]:
    """Each failing item of the exchange evidence, as its own reason."""
    reasons = []
    mismatched = (
        (evidence.invoice_date is not None and unit.purchase_date is not None
         and evidence.invoice_date != unit.purchase_date)
        or _differs(evidence.invoice_model, unit.model_code)
        or _differs(evidence.invoice_imei, unit.imei)
        or _differs(evidence.invoice_seller, unit.dealer)
        or evidence.invoice_stamped is False)
    if mismatched:
        reasons.append("invoice_mismatch")
    invoice_date = evidence.invoice_date or unit.purchase_date
    if evidence.card_date is not None and invoice_date is not None \
            and evidence.card_date != invoice_date:
        reasons.append("dates_differ")
    if evidence.network_label is False or evidence.imei_label is False:
        reasons.append("label_missing")
    if evidence.casing_wear:
        reasons.append("casing_wear")
    return reasons


def _differs(shown: str | None, known: str | None) -> bool:
    """Both given and not the same (stripped, case-insensitive)."""
    shown, known = _norm(shown), _norm(known)
    return shown is not None and known is not None and shown != known


def _caused_by_repair_end(fault: Fault, on: date, policy: Policy,
                          repairs: Sequence[PastRepair]) -> date | None:
    """A fault our repair caused: free until the repair warranty of the latest repair
    (any part) ends."""
    if not fault.caused_by_repair:
        return None
    ends = [period_end(r.repaired_on, days=policy.repair_warranty_days)
            for r in repairs if r.repaired_on <= on]
    ends = [e for e in ends if on <= e]
    return max(ends) if ends else None


def exchange_start(*, exchanged_on: date, purchase_date: date | None,
                   policy: Policy = Policy()) -> date | None:
    """The date the exchanged-in unit's 三包 periods count from: the exchange date when
    the policy restarts them (the default), else the original purchase date."""
    return exchanged_on if policy.exchange_restarts_periods else purchase_date


# --------------------------------------------------------------------------
# The decision
# --------------------------------------------------------------------------

def _own_reason(unit: Unit, evidence: Evidence, on: date, policy: Policy,
                exclusions: list[str], warranty_ends: date | None) -> Decision:
    """无理由退货: only an unused, resellable unit with invoice and card, in time."""
    reasons = list(exclusions)
    full = evidence.invoice and evidence.warranty_card and unit.purchase_date is not None
    if not full:
        reasons.append("needs_invoice_and_card")
    if unit.purchase_date is not None and on > period_end(
            unit.purchase_date, days=policy.own_reason_return_days):
        reasons.append("expired")
    if evidence.casing_wear:
        reasons.append("casing_wear")
    if reasons:
        return _not_covered(reasons, warranty_ends, options=())
    return Decision(True, ("return",), "invoice", warranty_ends, ())


def decide(*, unit: Unit, fault: Fault, cause: str, evidence: Evidence, on: date,
           policy: Policy = Policy(), repairs: Sequence[PastRepair] = (),
           contracts: Sequence[ContractCover] = ()) -> Decision:
    """Decide what the customer is owed for ``fault`` on business date ``on``.

    Precedence: exclusions > appearance > repeat fault > normal 三包 >
    repair warranty > contract > paid.
    """
    if fault.kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {fault.kind!r}")
    if cause not in CAUSES:
        raise ValueError(f"unknown cause {cause!r}")

    proof = _proof(unit, evidence)
    warranty_ends = (period_end(proof.start, months=_period_months(fault, policy),
                                days=unit.extension_days if fault.kind != "accessory" else 0)
                     if proof.start is not None else None)
    exclusions = _exclusions(unit, cause, evidence)

    if fault.kind == "own_reason":
        return _own_reason(unit, evidence, on, policy, exclusions, warranty_ends)
    if exclusions:
        return _not_covered(exclusions, warranty_ends)
    if fault.kind == "appearance":
        return _not_covered(["appearance"], warranty_ends)

    base = _three_guarantees(unit, fault, evidence, on, policy, repairs, proof,
                             warranty_ends)
    contract_end = _contract_end(on, contracts)
    if base.covered:
        if contract_end is None:
            return base
        return Decision(True, base.options, base.basis,
                        _later(base.warranty_ends, contract_end), base.reasons)

    if _RESCUABLE.intersection(base.reasons):
        kept = [r for r in base.reasons if r not in _RESCUABLE]
        repair_end = _repair_warranty_end(fault, on, policy, repairs)
        if repair_end is not None:
            return Decision(True, ("free_repair",), "repair_warranty", repair_end,
                            _reasons(kept))
        caused_end = _caused_by_repair_end(fault, on, policy, repairs)
        if caused_end is not None:
            return Decision(True, ("free_repair",), "repair_caused", caused_end,
                            _reasons(kept))
        if contract_end is not None:
            return Decision(True, ("free_repair",), "contract",
                            _later(base.warranty_ends, contract_end), _reasons(kept))
    return base


def _three_guarantees(unit: Unit, fault: Fault, evidence: Evidence, on: date,
                      policy: Policy, repairs: Sequence[PastRepair], proof: _Proof,
                      warranty_ends: date | None) -> Decision:
    """Normal 三包 for a performance or accessory fault, with the repeat-fault upgrade."""
    # Without the invoice dating the purchase, only the papers could open return and
    # exchange: the customer is told so whatever else the decision says.
    papers = [] if proof.basis == "invoice" else ["needs_invoice_and_card"]
    if proof.start is None:
        return _not_covered(["no_proof", *papers], None)
    if on > warranty_ends:
        return _not_covered(["expired", *papers], warranty_ends)

    start = proof.start
    in_return = on <= period_end(start, days=policy.return_days)
    in_exchange = on <= period_end(start, days=policy.exchange_days)
    if fault.kind == "accessory":
        window = ["exchange"] if in_exchange else []
    else:
        window = ["return", "exchange"] if in_return else ["exchange"] if in_exchange else []

    reasons = list(papers)
    if proof.invoice_only and window:
        reasons.append("needs_invoice_and_card")
    entitled = window if proof.full else []
    if entitled:
        failing = _evidence_reasons(unit, evidence)
        if failing:
            reasons.extend(failing)
            entitled = []
    options = entitled + ["free_repair"]

    basis = proof.basis
    if fault.kind == "performance" and _repeat_fault(fault, on, policy, repairs):
        basis = "repeat_fault"
        options.append("exchange")
        if "return" not in window:
            # the exchange is owed anyway; a reason stays only while it withholds the return
            reasons = [r for r in reasons
                       if r not in (*EVIDENCE_REASONS, "needs_invoice_and_card")]
    return Decision(True, _options(options), basis, warranty_ends, _reasons(reasons))
