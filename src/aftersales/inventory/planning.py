"""Purchase planning rules (pure: no Django). A reorder alert when what is on hand and on
the way has fallen to the reorder point; a suggested quantity that brings the stock back to
the larger of (reorder point + reorder quantity) and the demand of the last window (90
days by default), which is taken as the demand of the next one."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    on_hand: int
    in_transit: int
    reorder_point: int
    reorder_qty: int
    consumed: int  # net quantity that left the store in the window


@dataclass(frozen=True)
class Suggestion:
    available: int
    target: int
    alert: bool
    suggested_qty: int


def suggest(position: Position) -> Suggestion:
    available = position.on_hand + position.in_transit
    target = max(position.reorder_point + position.reorder_qty, position.consumed)
    below_point = position.reorder_point > 0 and available <= position.reorder_point
    short_of_demand = position.consumed > 0 and available < position.consumed
    alert = below_point or (position.reorder_point == 0 and short_of_demand)
    qty = max(0, target - available) if (below_point or short_of_demand) else 0
    return Suggestion(available=available, target=target, alert=alert, suggested_qty=qty)
