"""Two people act on one ticket at the same moment: the row lock and the version make one
win and the other get a 409, never both."""
import threading

import pytest
from django.db import connection

from aftersales.tickets.models import Ticket, TicketEvent
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
    barrier = threading.Barrier(len(clients))
    codes = []

    def press(client):
        try:
            barrier.wait()
            body = {"version": 1} if with_version else {}
            response = client.post(f"/tickets/{ticket.pk}/actions/respond", body)
            codes.append((response.status_code,
                          response.json().get("error", {}).get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    loser = "stale_version" if with_version else "invalid_transition"
    assert sorted(codes, key=str) == sorted([(200, None)] + [(409, loser)] * 3, key=str)
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    assert TicketEvent.objects.filter(ticket=ticket, action="respond").count() == 1
