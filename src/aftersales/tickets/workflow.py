"""The ticket's statuses in groups, the ONLY home of "open" and "final" (every other module
imports them from here), and the special targets an action may lead to. The table of
actions itself (sources, target, roles, modes, input) is `tickets.actions.SPECS`."""
from __future__ import annotations

from .models import Ticket

S = Ticket.Status

#: The job is finished; no SLA clock runs, no load counts.
FINAL = frozenset({S.RESOLVED, S.CLOSED, S.CANCELLED})
#: Statuses in which the job is still open (SLA clocks may run, load counts).
OPEN = frozenset(set(S.values) - FINAL)
#: Open and not paused.
WORKING = OPEN - {S.ON_HOLD}
#: The same sets as ordered lists, for ORM filters (`status__in=`).
OPEN_STATUSES = [s for s in S.values if s in OPEN]
FINAL_STATUSES = [s for s in S.values if s in FINAL]

# Special targets, resolved by the service from the ticket's data.
SAME = "=same"  # status unchanged (the action records data only)
RESUME = "=resume"  # back to the status the ticket had before `hold`
BY_QUOTE = "=by_quote"  # awaiting_approval when the quote needs approval, else in_repair
BY_OUTCOME = "=by_outcome"  # depart: on_site -> in_repair (fixed) / assigned (revisit)
REOPENED = "=reopened"  # assigned when an engineer is set, else responded
ASSIGNED_IF_NEW = "=assigned_if_new"  # new/responded -> assigned; later statuses unchanged
RESPONDED_IF_NEW = "=responded_if_new"  # receive: a unit handed in answers a new request
