"""Tickets are made through the real intake service, never by hand."""
from aftersales.tickets.services import open_ticket


def open_test_ticket(*, actor, customer, device=None, **overrides):
    fields = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "屏幕不亮"}
    fields.update(overrides)
    return open_ticket(actor=actor, customer=customer, device=device, **fields)
