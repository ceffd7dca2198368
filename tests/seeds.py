"""The rule rows that data migrations seed, put back after a transactional test's flush.

A transactional test (threads, a live server, a Celery worker) ends with a flush of every
table, which takes the seeded rules (fee schedule, SLA targets, calendar, policies) away
for the next one. Django's serialized_rollback cannot restore them here (another app's
flush re-creates the content types first), so the data migrations' own functions run
again instead.
"""


_SEEDERS: list = []
OUR_APPS = {"core", "network", "customers", "catalog", "devices", "contracts", "inventory",
            "tickets", "billing", "portal", "reports", "notifications", "campaigns",
            "imports"}


def _seeders() -> list:
    """The data migrations' functions (RunPython), in migration order, once per session."""
    if _SEEDERS:
        return _SEEDERS
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations.special import RunPython

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    # Only our own rule seeds: Django's contrib migrations' functions (proxy permissions,
    # content types) are re-created by the flush's post_migrate and would collide.
    _SEEDERS.extend(operation.code for migration, _backwards in plan
                    if migration.app_label in OUR_APPS
                    for operation in migration.operations if isinstance(operation, RunPython))
    return _SEEDERS


def ensure_seeded_rules():
    """The rule rows the data migrations seed (fee schedule, SLA targets, calendar, ...).

    A transactional test ends with a flush of every table, which takes them away for the
    next one; Django's serialized_rollback cannot put them back once another app's flush
    has re-created the content types. So after a flush the data migrations' functions run
    again, against today's models (their historical ones lack columns added since)."""
    from django.apps import apps
    from django.db import connection

    from aftersales.billing.models import ZoneFee

    if ZoneFee.objects.exists():
        return

    class Editor:
        """What the RunPython functions use of their schema editor (the pg_trgm indexes
        are created with IF NOT EXISTS, so running them again is harmless)."""

        def __init__(self, connection):
            self.connection = connection

        def execute(self, sql, params=()):
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params or None)

    editor = Editor(connection)
    for code in _seeders():
        code(apps, editor)
