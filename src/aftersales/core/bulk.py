"""Many new rows at once: PostgreSQL's COPY for a large batch, bulk_create otherwise.

An import of 100,000 devices spent about half its time building and sending multi-row
INSERTs (each value prepared by the ORM, 1,000 rows a statement) and the same again for
their history rows. COPY streams the rows instead. Each instance gets its primary key as
bulk_create gives it: the ids are drawn from the table's own sequence first, so a row's
history can point at it. Small batches and SQLite keep bulk_create.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import Model
from django.utils import timezone

COPY_FROM = 2000  # rows; below this a multi-row INSERT is as quick
PLAIN_TYPES = frozenset(("CharField", "TextField", "IntegerField", "BigIntegerField",
                         "SmallIntegerField", "PositiveIntegerField",
                         "PositiveSmallIntegerField", "PositiveBigIntegerField", "BooleanField",
                         "DateField", "DecimalField", "ForeignKey", "OneToOneField",
                         "AutoField", "BigAutoField"))


def insert_many(model: type[Model], objs: list[Model], *, batch_size: int) -> list[Model]:
    """Insert `objs` (new instances of `model`); returns them with their primary keys."""
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    fields = list(meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, pk.column, len(objs)])
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        # plain columns go as the instance holds them (psycopg adapts str, int, date,
        # datetime, Decimal, bool, None); the others through the field's own preparation
        plain = [f.get_internal_type() in PLAIN_TYPES
                 and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
                 for f in fields]
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} "
                                f"({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([getattr(obj, f.attname) if simple
                                else f.get_db_prep_save(f.pre_save(obj, True), connection)
                                for f, simple in zip(fields, plain, strict=True)])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_many_with_history(model: type[Model], objs: list[Model], *,
                             batch_size: int) -> list[Model]:
    """insert_many, then each row's "created" history record (django-simple-history's
    bulk_history_create builds the same records; these go by COPY as well)."""
    insert_many(model, objs, batch_size=batch_size)
    history = model.history.model
    now = timezone.now()
    records = []
    for obj in objs:
        record = history(history_date=now, history_change_reason="", history_type="+",
                         history_user=history.get_default_history_user(obj),
                         **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields})
        records.append(record)
    insert_many(history, records, batch_size=batch_size)
    return objs
