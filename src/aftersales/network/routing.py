"""Pure rules of the network (no Django): where a customer without a point in their county
goes, whether a dealer's return is dead on arrival, whether an agreement is in force, and
whether an engineer may take a job of a product category."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEALER = "dealer"
NEAREST_POINT = "nearest_point"

REPLACE = "replace"  # dead on arrival: the dealer's unit is exchanged
REPAIR = "repair"  # past the window: the unit is repaired


@dataclass(frozen=True)
class Place:
    """A point or a dealer as the routing rule sees it."""

    kind: str  # "point" or "dealer"
    id: int
    county: str
    distance_km: float | None = None  # from the customer; None = unknown (ranked last)


def route(*, county: str, rule: str, points: list[Place], dealers: list[Place]) -> Place | None:
    """A point in the customer's county always wins. Otherwise the region's rule decides:
    `dealer` sends the customer to a dealer of that county (else the nearest point),
    `nearest_point` to the point with the smallest distance (ties and unknown distances by
    id). None when the region has no point and no dealer that qualifies."""
    county = (county or "").strip()
    local = sorted((p for p in points if county and p.county == county), key=lambda p: p.id)
    if local:
        return local[0]
    if rule == DEALER:
        local_dealers = sorted((d for d in dealers if county and d.county == county),
                               key=lambda d: d.id)
        if local_dealers:
            return local_dealers[0]
    ranked = sorted(points, key=lambda p: (p.distance_km is None, p.distance_km or 0, p.id))
    if ranked:
        return ranked[0]
    if rule == DEALER and dealers:
        return sorted(dealers, key=lambda d: d.id)[0]
    return None


def dealer_return_outcome(*, purchase_date: date | None, returned_on: date,
                          doa_days: int) -> str:
    """A unit its dealer returns within `doa_days` of the purchase (the purchase day is day
    0, the last day counts) is DOA and replaced; later, or with no purchase date, repaired."""
    if purchase_date is None or returned_on < purchase_date:
        return REPAIR
    return REPLACE if returned_on <= purchase_date + timedelta(days=doa_days) else REPAIR


def in_force(*, terms: list[tuple[date, date]], on: date) -> bool:
    return any(start <= on <= end for start, end in terms)


def agreement_lapsed(*, terms: list[tuple[date, date]], on: date) -> bool:
    """A point that has had agreements but none covers `on` has lapsed. A point that never
    had one recorded (an own branch, head office) is not blocked by this rule."""
    return bool(terms) and not in_force(terms=terms, on=on)


NOT_CERTIFIED = "not_certified"
OVERRIDDEN = "overridden"
CERTIFIED = "certified"


def assignment_check(*, category: str, certified: set[str], required: set[str],
                     override_reason: str = "", may_override: bool = False) -> str:
    """An engineer takes a job of a category that needs certification (`required`, the
    categories the admin's qualification requirements list) only with a valid certificate
    for it; a job of another category, or of none, needs none. Otherwise refused, unless a
    manager overrides with a reason."""
    category = (category or "").strip().lower()
    if not category or category not in {c.strip().lower() for c in required}:
        return CERTIFIED
    if category in {c.strip().lower() for c in certified}:
        return CERTIFIED
    if may_override and (override_reason or "").strip():
        return OVERRIDDEN
    return NOT_CERTIFIED
