"""Ticket events partitioned by month on PostgreSQL (the largest, append-only table).

`aftersales partition_events` turns `tickets_ticketevent` into a table partitioned by range
of `at`, one partition per month, with a default partition that catches anything outside
the months made; run again (monthly, or from the scheduler) it only adds the coming months.
Django keeps using the table by its name; the model does not change. Queries that name a
time range (reports, stage-time statistics) read only the months they need, and old months
can be detached and archived whole. Worth it from roughly 100 M events (docs/scaling.md);
below that one table with its indexes is as fast and simpler."""
from __future__ import annotations

from datetime import date

from django.db import connection, transaction

TABLE = "tickets_ticketevent"


def _months(first: date, last: date) -> list[date]:
    months, d = [], first.replace(day=1)
    while d <= last:
        months.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return months


def _next(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def is_partitioned() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c "
                       "ON c.oid = p.partrelid WHERE c.relname = %s", [TABLE])
        return cursor.fetchone() is not None


def _create_month(cursor, month: date) -> bool:
    name = f"{TABLE}_{month:%Y_%m}"
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
    if cursor.fetchone():
        return False
    cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{TABLE}" '
                   f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{_next(month):%Y-%m-%d}')")
    return True


@transaction.atomic
def partition_events(*, today: date, months_ahead: int = 3) -> dict:
    """Convert once (copying the rows), then add months; returns what was done."""
    if connection.vendor != "postgresql":
        raise RuntimeError("partitioning is for PostgreSQL")
    done = {"converted": False, "moved_rows": 0, "partitions_added": 0}
    with connection.cursor() as cursor:
        if not is_partitioned():
            cursor.execute(f'LOCK TABLE "{TABLE}" IN ACCESS EXCLUSIVE MODE')
            cursor.execute(f'SELECT min("at"), max("at") FROM "{TABLE}"')
            first, last = cursor.fetchone()
            old = f"{TABLE}_unpartitioned"
            cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
            cursor.execute(f'ALTER INDEX IF EXISTS ticket_event_ticket_at_idx '
                           f'RENAME TO ticket_event_ticket_at_idx_old')
            cursor.execute(f'ALTER INDEX IF EXISTS ticket_event_action_at_idx '
                           f'RENAME TO ticket_event_action_at_idx_old')
            # the id keeps coming from a sequence (identity columns on partitioned tables
            # arrive only in PostgreSQL 17); it continues after the copied rows
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {TABLE}_part_id_seq")
            cursor.execute(f"""
                CREATE TABLE "{TABLE}" (
                    id bigint NOT NULL DEFAULT nextval('{TABLE}_part_id_seq'),
                    action varchar(30) NOT NULL,
                    "at" timestamptz NOT NULL,
                    from_status varchar(20) NOT NULL,
                    to_status varchar(20) NOT NULL,
                    data jsonb NOT NULL,
                    actor_id bigint NULL REFERENCES network_user(id)
                        DEFERRABLE INITIALLY DEFERRED,
                    ticket_id bigint NOT NULL REFERENCES tickets_ticket(id)
                        DEFERRABLE INITIALLY DEFERRED,
                    PRIMARY KEY (id, "at")
                ) PARTITION BY RANGE ("at")""")
            cursor.execute(f"ALTER SEQUENCE {TABLE}_part_id_seq OWNED BY \"{TABLE}\".id")
            cursor.execute(f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT')
            today_month = today.replace(day=1)
            for month in _months(first.date() if first else today_month,
                                 max(last.date() if last else today_month, today_month)):
                done["partitions_added"] += _create_month(cursor, month)
            cursor.execute(f'CREATE INDEX ticket_event_ticket_at_idx ON "{TABLE}" '
                           '(ticket_id, "at")')
            cursor.execute(f'CREATE INDEX ticket_event_action_at_idx ON "{TABLE}" '
                           '(action, "at")')
            cursor.execute(f'CREATE INDEX {TABLE}_actor_idx ON "{TABLE}" (actor_id)')
            cursor.execute(f'INSERT INTO "{TABLE}" (id, action, "at", from_status, to_status, '
                           f'data, actor_id, ticket_id) SELECT id, action, "at", from_status, '
                           f'to_status, data, actor_id, ticket_id FROM "{old}"')
            done["moved_rows"] = cursor.rowcount
            cursor.execute(f'DROP TABLE "{old}"')
            cursor.execute(f"SELECT setval('{TABLE}_part_id_seq', "
                           f'(SELECT coalesce(max(id), 0) + 1 FROM "{TABLE}"), false)')
            done["converted"] = True
        month = today.replace(day=1)
        for _ in range(months_ahead + 1):
            done["partitions_added"] += _create_month(cursor, month)
            month = _next(month)
    return done
