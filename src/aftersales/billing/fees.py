"""Quote engine for after-sales service fees (上门服务费、配件、人工、返厂维修).

Pure Python on purpose: no Django here, so the rules can be tested
table-driven and reused from the API, the admin and Celery jobs alike.
The figures themselves live in a database fee schedule; the service layer
builds a :class:`FeeSchedule` from those rows and calls :func:`build_quote`.
:meth:`FeeSchedule.default` only mirrors the published default table.

Money is always :class:`~decimal.Decimal` with two places, rounded
ROUND_HALF_UP (the rule customers and finance expect), never float: a
float that reaches this module is a bug upstream, so it raises TypeError.
Bad business input (unknown zone or line kind, negative quantities, hours
or prices) raises ValueError, which the service maps to HTTP 422.

Choices worth knowing:

* Trip fees (``visit``, ``revisit``, ``transport``) follow
  ``Coverage.covers_visits``; parts follow ``Coverage.covers_parts``; the
  rest of the work (``labour``, ``factory_repair``) follows
  ``Coverage.covered``.  Only an annual or extended contract (or the
  warranty) is a coverage at all: a per-visit (按次) arrangement charges
  labour and parts every time, so it is no coverage here.
* A second (or later) trip for the same fault adds only the zone's
  surcharge on top of the first visit ("在原来收费基础上加收"): it yields a
  ``revisit`` line of surcharge x persons and no second visit fee.  The
  line is kept even when the surcharge is 0.00 (city): the customer sees
  that the trip was recognised and deliberately not charged.  Two
  exceptions add a visit fee to a revisit: persons who were not on the
  first trip pay their own visit, and a long revisit (city, more than 8 h)
  adds one visit fee per person for the extra time.
* A trip caused by our own misdiagnosis (``VisitInput.waived``) keeps its
  lines at 0.00 with the reason ``misdiagnosis`` (误判由我方承担).
* A long visit (city, more than 8 h) doubles the visit line's quantity; the
  revisit surcharge is per trip and is not doubled.
* ``needs_manager`` counts trips (one per :class:`VisitInput`), not billed
  visit units: the "max 3 visits" rule is about going back to the customer.
  The caller passes every trip made for the fault, not only the new one.
* A covered line keeps its list ``unit_price`` (so the customer sees what
  the warranty saved them) but has amount 0.00 and a ``covered_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from aftersales.core.money import ZERO, to_money

__all__ = [
    "ZONES",
    "LINE_KINDS",
    "ITEM_KINDS",
    "TRIP_KINDS",
    "money",
    "ZoneFees",
    "FeeSchedule",
    "VisitInput",
    "ItemInput",
    "Coverage",
    "QuoteLine",
    "Quote",
    "build_quote",
]

ZONES = ("city", "prefecture", "province")
LINE_KINDS = ("visit", "revisit", "transport", "part", "labour", "factory_repair")
#: Kinds an engineer enters by hand (ItemInput.kind).
ITEM_KINDS = ("part", "labour", "factory_repair")
#: Kinds that follow ``Coverage.covers_visits`` rather than ``Coverage.covered``.
TRIP_KINDS = ("visit", "revisit", "transport")

#: Used when a line is covered but no reason was given.
DEFAULT_COVERED_REASON = "warranty"
#: Reason on the lines of a trip caused by our own misdiagnosis (not charged).
MISDIAGNOSIS = "misdiagnosis"


# Chinese descriptions shown on the quote; kept here so wording is uniform.
_DESC_VISIT = "上门服务费"
_DESC_REVISIT = "同一故障再次上门加收"
_DESC_TRANSPORT = "大件运输费"


# --------------------------------------------------------------------------
# Coercion helpers
# --------------------------------------------------------------------------


def _to_decimal(value: object, what: str) -> Decimal:
    """Exact Decimal from str/int/Decimal; float is refused, not approximated."""
    if isinstance(value, float):
        raise TypeError(f"{what}: float is not accepted for money or hours, use str or Decimal")
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"{what}: expected str, int or Decimal, got {type(value).__name__}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return result


def money(value: object) -> Decimal:
    """Decimal rounded to cents, half-up (0.005 -> 0.01); float -> TypeError.

    Strings are read exactly, so ``money("2.675")`` is 2.68 (a float 2.675
    would really be 2.67499..., which is why floats are refused).
    """
    amount = _to_decimal(value, "money")
    try:
        return to_money(amount)
    except InvalidOperation:
        raise ValueError(f"money: {value!r} is too large") from None


def _non_negative_money(value: object, what: str) -> Decimal:
    amount = money(value)
    if amount < 0:
        raise ValueError(f"{what} must not be negative, got {amount}")
    return amount


def _int(value: object, what: str, *, minimum: int) -> int:
    """Strict int (bools refused, they are almost always a mix-up)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value}")
    return value


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what}: expected bool, got {type(value).__name__}")
    return value


def _zone(zone: object) -> str:
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}; expected one of {', '.join(ZONES)}")
    return zone  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Schedule
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneFees:
    """Per-person, per-trip fees of one zone (normalised to cents, never negative)."""

    visit: Decimal
    revisit_surcharge: Decimal
    transport: Decimal

    def __post_init__(self) -> None:
        for name in ("visit", "revisit_surcharge", "transport"):
            object.__setattr__(self, name, _non_negative_money(getattr(self, name), name))


@dataclass(frozen=True)
class FeeSchedule:
    """The fee table in force; built from database rows by the service layer."""

    zones: Mapping[str, ZoneFees]
    long_visit_hours: Decimal = Decimal("8")
    long_visit_zones: tuple[str, ...] = ("city",)
    max_visits_without_manager: int = 3

    def __post_init__(self) -> None:
        if not isinstance(self.zones, Mapping):
            raise TypeError("zones: expected a mapping of zone name to ZoneFees")
        zones: dict[str, ZoneFees] = {}
        for name, fees in self.zones.items():
            _zone(name)
            if not isinstance(fees, ZoneFees):
                raise TypeError(f"zones[{name!r}]: expected ZoneFees, got {type(fees).__name__}")
            zones[name] = fees
        # Copy and freeze so a later change to the caller's dict cannot alter quotes.
        object.__setattr__(self, "zones", MappingProxyType(zones))

        hours = _to_decimal(self.long_visit_hours, "long_visit_hours")
        if hours < 0:
            raise ValueError(f"long_visit_hours must not be negative, got {hours}")
        object.__setattr__(self, "long_visit_hours", hours)

        long_zones = tuple(self.long_visit_zones)
        for name in long_zones:
            _zone(name)
        object.__setattr__(self, "long_visit_zones", long_zones)

        _int(self.max_visits_without_manager, "max_visits_without_manager", minimum=0)

    @classmethod
    def default(cls) -> FeeSchedule:
        """The published default table (CNY per person per trip)."""
        return cls(
            zones={
                "city": ZoneFees(Decimal("50"), Decimal("0"), Decimal("100")),
                "prefecture": ZoneFees(Decimal("100"), Decimal("50"), Decimal("200")),
                # Province visit fee includes travel, food and lodging.
                "province": ZoneFees(Decimal("300"), Decimal("200"), Decimal("500")),
            }
        )

    def fees_for(self, zone: str) -> ZoneFees:
        """Fees of ``zone``; ValueError if unknown or absent from this schedule."""
        _zone(zone)
        try:
            return self.zones[zone]
        except KeyError:
            raise ValueError(f"zone {zone!r} has no fees in the fee schedule") from None

    def is_long_visit(self, zone: str, hours: Decimal) -> bool:
        """Strictly longer than the limit: exactly 8 h is still one visit."""
        return zone in self.long_visit_zones and hours > self.long_visit_hours


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    """One trip to the customer; validated on construction."""

    hours: Decimal
    revisit: bool = False
    persons: int = 1
    #: The trip was caused by our own misdiagnosis: its lines are kept at 0.00.
    waived: bool = False

    def __post_init__(self) -> None:
        hours = _to_decimal(self.hours, "hours")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        object.__setattr__(self, "hours", hours)
        _bool(self.revisit, "revisit")
        _int(self.persons, "persons", minimum=1)
        _bool(self.waived, "waived")


@dataclass(frozen=True)
class ItemInput:
    """A part, labour or factory-repair line entered by the engineer.

    ``covered`` None follows the ticket's coverage; True/False overrides it
    for this line (e.g. a consumable not covered by the warranty).
    Quantity must be at least 1: a zero-quantity line is a data-entry slip.
    """

    kind: str
    description: str
    qty: int = 1
    unit_price: Decimal = Decimal("0")
    sku: str | None = None
    covered: bool | None = None

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise ValueError(
                f"unknown item kind {self.kind!r}; expected one of {', '.join(ITEM_KINDS)}"
            )
        if not isinstance(self.description, str) or not self.description.strip():
            raise ValueError("description must be a non-empty string")
        object.__setattr__(self, "description", self.description.strip())
        _int(self.qty, "qty", minimum=1)
        object.__setattr__(self, "unit_price", _non_negative_money(self.unit_price, "unit_price"))
        if self.sku is not None and not isinstance(self.sku, str):
            raise TypeError(f"sku: expected str or None, got {type(self.sku).__name__}")
        if self.covered is not None:
            _bool(self.covered, "covered")


@dataclass(frozen=True)
class Coverage:
    """What the warranty or contract pays for on this ticket.

    ``covers_visits`` and ``covers_parts`` only matter when ``covered`` is
    True: they are the contract's scope (visits included or not, parts
    included or not); the warranty covers both.
    """

    covered: bool
    reason: str | None = None
    covers_visits: bool = True
    covers_parts: bool = True

    def __post_init__(self) -> None:
        _bool(self.covered, "covered")
        _bool(self.covers_visits, "covers_visits")
        _bool(self.covers_parts, "covers_parts")
        if self.reason is not None and not isinstance(self.reason, str):
            raise TypeError(f"reason: expected str or None, got {type(self.reason).__name__}")

    @property
    def line_reason(self) -> str:
        """Reason written on a covered line."""
        return self.reason or DEFAULT_COVERED_REASON

    def covers(self, kind: str) -> bool:
        """Whether the ticket's coverage zeroes a line of ``kind``."""
        if not self.covered:
            return False
        if kind in TRIP_KINDS:
            return self.covers_visits
        if kind == "part":
            return self.covers_parts
        return True


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    kind: str
    description: str
    qty: int
    unit_price: Decimal
    amount: Decimal
    covered_reason: str | None


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total: Decimal
    needs_approval: bool
    needs_manager: bool

    def chargeable(self) -> bool:
        """Anything to invoice at all (a fully covered job is not)."""
        return self.total > 0


def _line(
    kind: str,
    description: str,
    qty: int,
    unit_price: Decimal,
    covered_reason: str | None,
) -> QuoteLine:
    amount = ZERO if covered_reason is not None else money(unit_price * qty)
    return QuoteLine(kind, description, qty, unit_price, amount, covered_reason)


def build_quote(
    *,
    schedule: FeeSchedule,
    zone: str,
    visits: Sequence[VisitInput] = (),
    large_unit_transports: int = 0,
    items: Sequence[ItemInput] = (),
    coverage: Coverage = Coverage(False),
) -> Quote:
    """Price a job: trip lines in visit order, then transport, then items.

    The engine never blocks a 4th trip; it only sets ``needs_manager`` so
    the workflow can ask for a manager's sign-off.
    """
    if not isinstance(schedule, FeeSchedule):
        raise TypeError("schedule: expected FeeSchedule")
    if not isinstance(coverage, Coverage):
        raise TypeError("coverage: expected Coverage")
    fees = schedule.fees_for(zone)
    _int(large_unit_transports, "large_unit_transports", minimum=0)
    visits = tuple(visits)
    items = tuple(items)
    for visit in visits:
        if not isinstance(visit, VisitInput):
            raise TypeError(f"visits: expected VisitInput, got {type(visit).__name__}")
    for item in items:
        if not isinstance(item, ItemInput):
            raise TypeError(f"items: expected ItemInput, got {type(item).__name__}")

    def reason_for(kind: str) -> str | None:
        return coverage.line_reason if coverage.covers(kind) else None

    lines: list[QuoteLine] = []
    first_persons = visits[0].persons if visits else 0
    for number, visit in enumerate(visits, start=1):

        def trip_reason(kind: str, visit: VisitInput = visit) -> str | None:
            return MISDIAGNOSIS if visit.waived else reason_for(kind)

        long_visit = schedule.is_long_visit(zone, visit.hours)
        if not visit.revisit:
            qty = visit.persons
            description = f"{_DESC_VISIT}（第{number}次）"
            if long_visit:
                qty *= 2
                description += f"（超过{schedule.long_visit_hours}小时，按两次计）"
            lines.append(_line("visit", description, qty, fees.visit, trip_reason("visit")))
            continue
        lines.append(
            _line(
                "revisit",
                f"{_DESC_REVISIT}（第{number}次）",
                visit.persons,
                fees.revisit_surcharge,
                trip_reason("revisit"),
            )
        )
        # Persons not on the first trip pay their own visit; a long revisit adds one
        # visit per person for the time beyond the limit.
        extra = max(0, visit.persons - first_persons) + (visit.persons if long_visit else 0)
        if extra:
            lines.append(
                _line(
                    "visit",
                    f"{_DESC_VISIT}（第{number}次，加派人员或超时）",
                    extra,
                    fees.visit,
                    trip_reason("visit"),
                )
            )

    if large_unit_transports:
        lines.append(
            _line(
                "transport",
                _DESC_TRANSPORT,
                large_unit_transports,
                fees.transport,
                reason_for("transport"),
            )
        )

    for item in items:
        if item.covered is None:
            reason = reason_for(item.kind)
        else:
            reason = coverage.line_reason if item.covered else None
        lines.append(_line(item.kind, item.description, item.qty, item.unit_price, reason))

    total = money(sum((line.amount for line in lines), ZERO))
    return Quote(
        lines=tuple(lines),
        total=total,
        needs_approval=total > 0,
        needs_manager=len(visits) > schedule.max_visits_without_manager,
    )


# --------------------------------------------------------------------------
# Payment terms
# --------------------------------------------------------------------------
