"""Substring search of Chinese text that an index can answer, also for two characters.

pg_trgm needs three characters of a pattern to use its index, but most Chinese words are
two (屏幕, 充电, 开机). On PostgreSQL a GIN index on the *bigrams* of a column answers
those: `aftersales_bigrams(col) @> aftersales_bigrams('屏幕')` narrows to the rows holding
every two-character piece of the query, and the LIKE re-checks the exact substring. The
function is created by core's migration 0003 (IMMUTABLE, so it can back an expression
index); each app adds the indexes its searches need. On SQLite the lookup is a plain LIKE.

    Ticket.objects.filter(summary__text_contains="屏幕")

`text_icontains` is the same for names, whose Latin letters (company names) match in any
case, as `icontains` does: the bigrams of `UPPER(col)` (an index on that expression), the
LIKE on `UPPER(col)`. On SQLite it is `icontains` itself.

    Customer.objects.filter(name__text_icontains="张伟")
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains

BIGRAMS_SQL = """
CREATE OR REPLACE FUNCTION aftersales_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT CASE WHEN length(value) < 2 THEN ARRAY[value]
         ELSE ARRAY(SELECT DISTINCT substr(value, i, 2)
                    FROM generate_series(1, length(value) - 1) AS i) END
$$;
"""


def bigram_index_sql(table: str, column: str, name: str, *, upper: bool = False) -> str:
    """The GIN index `text_contains` (or, with `upper`, `text_icontains`) is answered from."""
    value = f'UPPER("{column}")' if upper else f'"{column}"'
    return (f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" '
            f'USING gin (aftersales_bigrams({value}))')


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


class TextIContains(Lookup):
    """`UPPER(col) LIKE UPPER('%q%')` (Django's `icontains`), answered from the bigram index
    on `UPPER(col)` on PostgreSQL; `icontains` itself elsewhere and for one character."""

    lookup_name = "text_icontains"

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, str) or len(self.rhs) < 2:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        like, like_params = compiler.compile(IContains(self.lhs, self.rhs))
        return (f"(aftersales_bigrams(UPPER({lhs}::text)) @> aftersales_bigrams(UPPER(%s)) "
                f"AND {like})", [*lhs_params, self.rhs, *like_params])


for _text_field in (CharField, TextField):
    _text_field.register_lookup(TextContains)
    _text_field.register_lookup(TextIContains)


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
