"""The hotline's look-ups timed in this process, with the plan of every query they run.

    AFTERSALES_DATABASE_URL=postgres://… .venv/bin/python bench/hotline_lookups.py [--n 30]

For each look-up a caller can start (phone, its last digits, serial, IMEI, a 2- or
3-character name, a company fragment, a ticket number whole or in part) the API request
(Django test client, token auth) and the console hotline box (`console.views.hotline_hits`)
are run over `--n` real keys from the data as the head-office admin; the median and the
worst time are printed: the whole call's, its queries' (round trips included), and
their execution and planning time on the server (each query EXPLAIN ANALYZEd again
afterwards: what a loaded machine disturbs least). A sequential scan over a table of
more than 10,000 rows, or over the customers, devices or tickets, is flagged. Nothing is written
(the admin and its token aside).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BIG = 10_000


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    os.environ.setdefault("AFTERSALES_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def keys(n: int) -> dict[str, list[str]]:
    from http_bench import samples, spread

    from aftersales.customers.models import Contact
    from aftersales.devices.models import Device

    s = samples(n)
    imeis = list(spread(Device.objects.exclude(imei=""), n).values_list("imei", flat=True))
    contacts = list(spread(Contact.objects, n).values_list("name", flat=True))
    companies = ["恒通", "华信", "鑫源", "宏达", "瑞丰", "天诚", "博远", "中联"]
    return {
        "token": [s["token"]],
        "phone": [c["phone"] for c in s["customers"]],
        "phone tail": [c["phone"][-4:] for c in s["customers"]],
        "serial": s["serials"],
        "IMEI": imeis,
        "name (2)": [c["name"][:2] for c in s["customers"]],
        "name (3)": [c["name"] for c in s["customers"] if len(c["name"]) == 3],
        "contact name (2)": [c[:2] for c in contacts],
        "company": companies,
        "ticket number": [t["number"] for t in s["tickets"]],
        "ticket number part": [t["number"][-9:] for t in s["tickets"]],
    }


def plans(captured) -> list[dict]:
    """EXPLAIN ANALYZE of each query; a big sequential scan is flagged."""
    from django.db import connection

    out = []
    for q in captured:
        sql = q["sql"]
        if not sql.startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            text = "\n".join(r[0] for r in cursor.fetchall())
        scans = re.findall(r"Seq Scan on (\w+).*?rows=(\d+) loops", text)
        big = [t for t, rows in scans if int(rows) > BIG or t in (
            "customers_customer", "devices_device", "tickets_ticket")]
        ms = float(re.search(r"Execution Time: ([\d.]+)", text).group(1))
        planning = float(re.search(r"Planning Time: ([\d.]+)", text).group(1))
        out.append({"sql": sql[:160], "ms": ms, "planning_ms": planning, "seq_scans": big,
                    "plan": text})
    return out


def run(label: str, fn, values: list[str], verbose: bool) -> dict:
    """Per key: the call's time, its queries' time (round trips included), then the
    server's execution and planning time of those queries (EXPLAIN ANALYZE, summed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, sql_times, exec_times, plan_times, checked = [], [], [], [], []
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    for v in values:
        spent[0] = 0.0
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
            fn(v)
        times.append((time.perf_counter() - started) * 1000)
        sql_times.append(spent[0] * 1000)
        found = plans(ctx.captured_queries)
        exec_times.append(sum(p["ms"] for p in found))
        plan_times.append(sum(p["planning_ms"] for p in found))
        checked = checked if checked else found

    def ms(values):
        return round(statistics.median(values), 1), round(max(values), 1)

    row = {"call_ms": ms(times), "sql_ms": ms(sql_times), "exec_ms": ms(exec_times),
           "planning_ms": ms(plan_times), "queries": len(ctx.captured_queries),
           "seq_scans": sorted({t for p in checked for t in p["seq_scans"]})}
    print(f"{label:<38} p50/max ms: call {row['call_ms']} SQL {row['sql_ms']} "
          f"exec {row['exec_ms']} plan {row['planning_ms']} | {row['queries']} queries | "
          f"seq scans: {row['seq_scans'] or '-'}", flush=True)
    for p in checked if verbose else ():
        print(f"--- {p['ms']} ms: {p['sql']}\n{p['plan']}\n", flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--only", default="", help="run the look-ups whose label has this")
    parser.add_argument("--verbose", action="store_true", help="print every plan")
    args = parser.parse_args()
    django_setup()
    from django.test import Client

    from aftersales.console.views import hotline_hits
    from aftersales.network.models import User

    k = keys(args.n)
    admin = User.objects.get(username="bench_admin")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {k['token'][0]}")

    def api(path):
        def get(v):
            response = (client.get(path.format(v)) if "{}" in path
                        else client.get(path, {"q": v}))
            assert response.status_code == 200, (path, v, response.status_code)
        return get

    def box(v):
        hotline_hits(actor=admin, q=v)

    cases = [
        ("phone", "/api/v1/customers"), ("phone tail", "/api/v1/customers"),
        ("name (2)", "/api/v1/customers"), ("name (3)", "/api/v1/customers"),
        ("contact name (2)", "/api/v1/customers"), ("company", "/api/v1/customers"),
        ("serial", "/api/v1/devices/{}"), ("serial", "/api/v1/devices"),
        ("IMEI", "/api/v1/devices"), ("ticket number", "/api/v1/tickets"),
    ]
    results = {}
    for key, path in cases:
        label = f"API {path.replace('{}', 'X')} {key}"
        if args.only in label:
            results[label] = run(label, api(path), k[key][:args.n], args.verbose)
    for key in ("phone", "phone tail", "serial", "IMEI", "name (2)", "name (3)",
                "contact name (2)", "company", "ticket number", "ticket number part"):
        label = f"hotline box {key}"
        if args.only in label:
            results[label] = run(label, box, k[key][:args.n], args.verbose)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
