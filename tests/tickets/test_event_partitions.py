"""Ticket events partitioned by month on PostgreSQL: the rows move, new events land in
their month, the timeline reads the same, and running again only adds months."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection

from aftersales.tickets import partitions, selectors
from aftersales.tickets.models import TicketEvent
from aftersales.tickets.services import respond
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.tickets.factories import open_test_ticket

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="partitioning is PostgreSQL's")


def partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute('SELECT tableoid::regclass::text FROM tickets_ticketevent WHERE id = %s',
                       [event_id])
        return cursor.fetchone()[0]


def test_events_move_into_monthly_partitions_and_keep_working(transactional_db):
    # given: events of October, before partitioning
    point = ServicePointFactory(code="SJZ")
    agent = UserFactory(role="agent", service_point=point)
    customer = CustomerFactory(phone="13800000001", service_point=point)
    with time_machine.travel("2026-10-15 10:00 +0800", tick=False):
        october = open_test_ticket(actor=agent, customer=customer)
    before = list(TicketEvent.objects.order_by("id").values_list("id", "action"))
    try:
        # when
        done = partitions.partition_events(today=date(2026, 11, 30), months_ahead=2)
        # then: the rows moved, October has its own partition, three months ahead exist
        assert done["converted"] is True and done["moved_rows"] == len(before)
        assert partitions.is_partitioned()
        assert partition_of(before[0][0]) == "tickets_ticketevent_2026_10"
        assert list(TicketEvent.objects.order_by("id").values_list("id", "action")) == before
        # a new event gets a fresh id and lands in its month
        with time_machine.travel("2026-11-30 10:00 +0800", tick=False):
            respond(actor=agent, ticket=october, note="已联系")
        newest = TicketEvent.objects.get(action="respond")
        assert newest.id > before[-1][0]
        assert partition_of(newest.id) == "tickets_ticketevent_2026_11"
        detail = selectors.access_ticket(actor=agent, ticket_id=october.pk)
        assert "respond" in [e.action for e in detail.events.all()]
        # running again adds only what is missing
        again = partitions.partition_events(today=date(2026, 12, 31), months_ahead=2)
        assert (again["converted"], again["partitions_added"]) == (False, 1)  # 2027-02
    finally:
        _undo()


def _undo():
    """Put the plain table back for the tests that follow in this database."""
    if not partitions.is_partitioned():
        return
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE tickets_ticketevent_plain (LIKE tickets_ticketevent '
                       'INCLUDING DEFAULTS)')
        cursor.execute("INSERT INTO tickets_ticketevent_plain SELECT * FROM tickets_ticketevent")
        cursor.execute("ALTER SEQUENCE tickets_ticketevent_part_id_seq OWNED BY NONE")
        cursor.execute("DROP TABLE tickets_ticketevent CASCADE")
        cursor.execute("ALTER TABLE tickets_ticketevent_plain RENAME TO tickets_ticketevent")
        cursor.execute("ALTER TABLE tickets_ticketevent ADD PRIMARY KEY (id)")
        cursor.execute("ALTER SEQUENCE tickets_ticketevent_part_id_seq OWNED BY tickets_ticketevent.id")
        cursor.execute("CREATE INDEX ticket_event_ticket_at_idx ON tickets_ticketevent "
                       "(ticket_id, at)")
        cursor.execute("CREATE INDEX ticket_event_action_at_idx ON tickets_ticketevent "
                       "(action, at)")
        cursor.execute("ALTER TABLE tickets_ticketevent ADD FOREIGN KEY (ticket_id) REFERENCES "
                       "tickets_ticket(id) DEFERRABLE INITIALLY DEFERRED")
        cursor.execute("ALTER TABLE tickets_ticketevent ADD FOREIGN KEY (actor_id) REFERENCES "
                       "network_user(id) DEFERRABLE INITIALLY DEFERRED")
