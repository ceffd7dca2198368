"""Service tickets (售后服务维修联络单), their events, visits, custody, follow-up, and the
rule tables of the SLA clocks (business calendar, working hours, targets).

One module per topic; every model is re-exported here, so callers keep writing
`from aftersales.tickets.models import Ticket`:

* `ticket`: the ticket, its events, SLA pauses, notes and attachments;
* `visits`: dispatch approvals, the trips, send-in custody, the late bench repair offer;
* `followup`: the callback, the complaint report, product feedback to R&D;
* `policies`: the business calendar, working hours, SLA targets and the ticket policy.
"""
from .followup import Complaint, FollowUp, ProductFeedback
from .policies import BusinessDay, CalendarYear, SLATarget, TicketPolicy, WorkingWindow
from .ticket import Attachment, Ticket, TicketEvent, TicketNote, TicketPause
from .visits import Custody, DispatchApproval, LateRepairOffer, Visit

__all__ = ["Attachment", "BusinessDay", "CalendarYear", "Complaint", "Custody", "DispatchApproval",
           "FollowUp", "LateRepairOffer", "ProductFeedback", "SLATarget", "Ticket", "TicketEvent",
           "TicketNote", "TicketPause", "TicketPolicy", "Visit", "WorkingWindow"]
