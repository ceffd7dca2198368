"""Substring search of Chinese text that an index can answer, also for two characters.

pg_trgm needs three characters of a pattern to use its index, but most Chinese words are
two (屏幕, 充电, 开机). On PostgreSQL a GIN index on the *bigrams* of a column answers
those: `aftersales_bigrams(col) @> aftersales_bigrams('屏幕')` narrows to the rows holding
every two-character piece of the query, and the LIKE re-checks the exact substring. The
function is created by core's migration 0003 (IMMUTABLE, so it can back an expression
index); each app adds the indexes its searches need. On SQLite the lookup is a plain LIKE.

    Ticket.objects.filter(summary__text_contains="屏幕")
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import CharField, Lookup, TextField

BIGRAMS_SQL = """
CREATE OR REPLACE FUNCTION aftersales_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT CASE WHEN length(value) < 2 THEN ARRAY[value]
         ELSE ARRAY(SELECT DISTINCT substr(value, i, 2)
                    FROM generate_series(1, length(value) - 1) AS i) END
$$;
"""


def bigram_index_sql(table: str, column: str, name: str) -> str:
    return (f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" '
            f'USING gin (aftersales_bigrams("{column}"))')


class TextContains(Lookup):
    """`col LIKE '%q%'`, answered from the bigram index on PostgreSQL."""

    lookup_name = "text_contains"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        like = connection.ops.prep_for_like_query(rhs_params[0]) if rhs_params else ""
        pattern = f"%{like}%"
        if connection.vendor == "postgresql" and len(rhs_params[0]) >= 2:
            return (f"(aftersales_bigrams({lhs}) @> aftersales_bigrams(%s) "
                    f"AND {lhs} LIKE %s)", [*lhs_params, rhs_params[0], *lhs_params, pattern])
        escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
        return f"{lhs} LIKE %s{escape}", [*lhs_params, pattern]


CharField.register_lookup(TextContains)
TextField.register_lookup(TextContains)


@contextmanager
def exact_lookups():
    """A transaction in which an `IN` list over columns that also have a pg_trgm index
    (serials, IMEIs, customer numbers, phones) is answered by their b-tree index.

    pg_trgm's GIN operator class answers `=` too, and the planner prices it far too
    cheaply for `col IN (…)`: each value's trigrams are read from the GIN index and every
    candidate re-checked — 500 serials took 6 s on 4,000 devices. With bitmap scans off for
    the transaction (`SET LOCAL`, PostgreSQL only), the unique b-tree is probed once per
    value. For bulk look-ups of exact keys only (the imports), never for searches."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        yield
