"""In-process benchmarks: the monthly fault analysis, the SLA sweep over 1,000,000 open
tickets and an import of 100,000 devices — each timed in this process on the data loaded.

    .venv/bin/python bench/in_process.py                          # the issue's sizes
    .venv/bin/python bench/in_process.py --sweep-open 20000 --import-devices 5000

bench/http_bench.py runs them in the same run (its JSON's "in_process"). Targets: fault
analysis over 5 M tickets ≤ 1 s, SLA sweep over 1 M open tickets ≤ 5 s, 100,000 devices
imported ≤ 60 s.

- **Fault analysis**: `reports.selectors.fault_analysis` for last month, as the HQ admin
  (median of 3).
- **SLA sweep**: the generated data has few open tickets (a real network closes 93 %), so
  the most recently finished tickets are reopened inside one transaction until
  `--sweep-open` are open (resolved and closed dates cleared, the next target in the
  coming days), of which `--sweep-due` (200) have their first response overdue. `run_sweeps()`
  runs twice — the first pass raises those alerts, the second is the steady state every
  minute's run sees — and the transaction is rolled back: nothing is left behind.
- **Import**: a workbook of `--import-devices` rows (serial, model, the customer's number,
  IMEI, purchase date, invoice) is written to a temporary file and imported through
  `aftersales import devices FILE` (the command, so the service path the users run); the
  units are deleted afterwards. The time is the command's, the workbook's writing is not
  counted; the queries it ran are counted too.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def bench_admin():
    from aftersales.network.models import User

    admin, created = User.objects.get_or_create(username="bench_admin", defaults={
        "role": "admin", "is_superuser": True, "is_staff": True, "name": "压测管理员"})
    if created:
        admin.set_password("bench-pass-2611")
        admin.save()
    return admin


def fault_analysis(repeat: int = 3) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aftersales.reports import selectors as reports
    from aftersales.tickets.models import Ticket

    actor = bench_admin()
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            rows = reports.fault_analysis(actor=actor, month=month)
            times.append(time.perf_counter() - t)
    return {"fault_analysis_s": round(statistics.median(times), 3),
            "fault_analysis_month": month, "fault_analysis_rows": len(rows),
            "fault_analysis_queries": len(captured.captured_queries),
            "tickets_total": Ticket.objects.count()}


class _Rollback(Exception):
    pass


def sla_sweep(*, open_target: int = 1_000_000, due: int = 200) -> dict:
    """run_sweeps() twice over `open_target` open tickets (see the module's docstring)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.tickets.models import Ticket
    from aftersales.tickets.sweeps import run_sweeps
    from aftersales.tickets.workflow import OPEN_STATUSES

    result: dict = {}
    now = timezone.now()
    table = Ticket._meta.db_table
    try:
        with transaction.atomic():
            already = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
            reopen = max(open_target - already, 0)
            t = time.perf_counter()
            if reopen:
                # the newest finished tickets (by id) become open again, in bulk
                cut = list(Ticket.objects.exclude(status__in=OPEN_STATUSES).order_by("-id")
                           .values_list("id", flat=True)[reopen - 1:reopen])
                if cut:
                    with connection.cursor() as cursor:
                        # every clock of a reopened ticket lies ahead (the sweep watches
                        # them all); only the `due` tickets below are made overdue
                        fresh = "%s + (id %% 97) * interval '1 hour'"
                        clocks = ", ".join(f"{c}_due = NULL" for c in (
                            "onsite", "escalate", "contact", "reply", "answer"))
                        cursor.execute(
                            f'UPDATE "{table}" SET status = %s, resolved_at = NULL, '
                            f"closed_at = NULL, sla_next_due = {fresh}, "
                            f"resolve_due = {fresh}, {clocks} "
                            f"WHERE id >= %s AND status <> ALL(%s)",
                            ["in_repair", now, now, cut[0], OPEN_STATUSES])
            overdue = list(Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("-id")
                           .values_list("id", flat=True)[:due])
            Ticket.objects.filter(id__in=overdue).update(
                status="new", responded_at=None, respond_due=now - timedelta(minutes=30),
                sla_next_due=now - timedelta(minutes=30))  # the earliest unmet clock
            result["sweep_setup_s"] = round(time.perf_counter() - t, 1)
            result["sweep_open_tickets"] = Ticket.objects.filter(
                status__in=OPEN_STATUSES).count()
            result["sweep_due_tickets"] = len(overdue)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f'ANALYZE "{table}"')
            t = time.perf_counter()
            first = run_sweeps(now=now)
            result["sla_sweep_first_s"] = round(time.perf_counter() - t, 3)
            result["sla_sweep_first_done"] = {k: v for k, v in first.items() if v}
            if overdue:
                result["sla_sweep_first_ms_per_due"] = round(
                    result["sla_sweep_first_s"] * 1000 / len(overdue), 1)
            t = time.perf_counter()
            again = run_sweeps(now=now)
            result["sla_sweep_again_s"] = round(time.perf_counter() - t, 3)
            result["sla_sweep_again_done"] = {k: v for k, v in again.items() if v}
            raise _Rollback
    except _Rollback:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{table}"')
    return result


def device_workbook(path: Path, n: int, *, prefix: str) -> None:
    """`n` rows of the devices import's template, for existing customers and models."""
    from generate import luhn_digit
    from openpyxl import Workbook

    from aftersales.catalog.models import ProductModel
    from aftersales.customers.models import Customer
    from aftersales.imports.sheets import COLUMNS

    rng = random.Random(2611)
    models = list(ProductModel.objects.values_list("code", flat=True)[:60])
    from http_bench import spread

    owners = list(spread(Customer.objects, max(n // 3, 1)).values_list("number", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("devices")
    sheet.append([c.key for c in COLUMNS["devices"]])
    imei_head = f"35{int(prefix[2:]) % 100000:05d}"  # 7 digits of this run, 7 of the row
    for i in range(n):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body = f"{imei_head}{i:07d}"
        sheet.append([f"{prefix}{i:07d}", rng.choice(models), rng.choice(owners),
                      body + luhn_digit(body), day, f"FP{prefix}{i}", "", None, "京东自营"])
    book.save(path)


def device_import(n: int = 100_000) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from aftersales.devices.models import Device

    admin = bench_admin()
    prefix = f"BI{int(time.time()) % 100000:05d}"
    result: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "devices.xlsx"
        t = time.perf_counter()
        device_workbook(path, n, prefix=prefix)
        result["import_workbook_s"] = round(time.perf_counter() - t, 1)
        result["import_workbook_mb"] = round(path.stat().st_size / 1e6, 1)
        out = StringIO()
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            try:
                call_command("import", "devices", str(path), user=admin.username, stdout=out)
            except SystemExit:  # the command exits 1 when the import failed
                pass
            result["import_devices_s"] = round(time.perf_counter() - t, 1)
        result["import_devices_queries"] = len(captured.captured_queries)
    result["import_devices_rows"] = n
    result["import_devices_imported"] = Device.objects.filter(serial__startswith=prefix).count()
    result["import_devices_report"] = out.getvalue().strip().splitlines()[-1][:200]
    # leave nothing behind: the units and their history rows
    with transaction.atomic():
        history = Device.history.model
        history.objects.filter(serial__startswith=prefix)._raw_delete(history.objects.db)
        Device.objects.filter(serial__startswith=prefix)._raw_delete(Device.objects.db)
    return result


def run(*, sweep_open: int, sweep_due: int, import_devices: int, log=print) -> dict:
    results: dict = {}
    steps = [("fault analysis", fault_analysis),
             ("SLA sweep", lambda: sla_sweep(open_target=sweep_open, due=sweep_due))]
    if import_devices:
        steps.append(("device import", lambda: device_import(import_devices)))
    for name, step in steps:
        t = time.perf_counter()
        try:
            results.update(step())
        except Exception as exc:  # report it and go on: one broken step must not hide the rest
            results[f"{name} error"] = f"{type(exc).__name__}: {exc}"[:300]
        log(f"  in-process {name}: {time.perf_counter() - t:.1f} s", flush=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-open", type=int, default=1_000_000)
    parser.add_argument("--sweep-due", type=int, default=200)
    parser.add_argument("--import-devices", type=int, default=100_000)
    args = parser.parse_args(argv)
    django_setup()
    print(json.dumps(run(sweep_open=args.sweep_open, sweep_due=args.sweep_due,
                         import_devices=args.import_devices), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
