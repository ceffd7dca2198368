"""Two people act on one ticket at the same moment: the row lock and the version make one
win and the other get a 409, never both."""

import pytest
from django.db import connection

from aftersales.tickets.models import Ticket, TicketEvent
from tests.concurrency import run_concurrently
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, UserFactory

from .factories import open_test_ticket


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_version", [True, False])
def test_simultaneous_responses_one_wins(point, with_version):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    # given a new ticket and four agents pressing "respond" together
    agents = [UserFactory(username=f"agent_{i}", role="agent", service_point=point)
              for i in range(4)]
    ticket = open_test_ticket(actor=agents[0], customer=CustomerFactory(service_point=point))
    clients = [ApiClient(agent) for agent in agents]
    body = {"version": 1} if with_version else {}
    # when
    responses = run_concurrently(
        lambda i: clients[i].post(f"/tickets/{ticket.pk}/actions/respond", body), len(clients))
    codes = [(r.status_code, r.json().get("error", {}).get("code")) for r in responses]
    # then
    loser = "stale_version" if with_version else "invalid_transition"
    assert sorted(codes, key=str) == sorted([(200, None)] + [(409, loser)] * 3, key=str)
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    assert TicketEvent.objects.filter(ticket=ticket, action="respond").count() == 1
