"""Benchmark: the API's list and look-up endpoints on the demo data set.

    .venv/bin/python bench/lists.py [--customers 200] [--devices 1000] [--repeat 30]

Builds a fresh database (SQLite under a temporary AFTERSALES_DATA_DIR unless
AFTERSALES_DATABASE_URL is set), loads the demo through the services, then calls each
endpoint in-process with Django's test client and prints median and p95 latency and the
query count per call. Results are measurements, not assertions: record them in
bench/results/ with the machine they ran on.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    os.environ.setdefault("AFTERSALES_DATA_DIR", tempfile.mkdtemp(prefix="as-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")  # the demo's messages are noise here
    os.environ.setdefault("AFTERSALES_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from aftersales.core.api import issue_token
    from aftersales.demo.loader import load_demo
    from aftersales.devices.models import Device
    from aftersales.network.models import User

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    summary = load_demo(customers=args.customers, devices=args.devices)
    print(f"demo loaded in {time.perf_counter() - started:.1f} s: {summary}")

    # Keep one connection for the whole run (as a pooled server would), so query counts are
    # captured and the connect cost is not measured.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client = Client(SERVER_NAME="127.0.0.1")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(User.objects.get(username='agent'))}"}
    serial = Device.objects.order_by("id").values_list("serial", flat=True).first()
    endpoints = [
        ("customers page 200", "/api/v1/customers?page_size=200"),
        ("customers search", "/api/v1/customers?q=恒通"),
        ("devices page 200", "/api/v1/devices?page_size=200"),
        ("device by serial", f"/api/v1/devices/{serial}"),
        ("tickets page 200", "/api/v1/tickets?page_size=200"),
    ]
    print(f"{'endpoint':<22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url in endpoints:
        first = client.get(url, **headers)
        if first.status_code != 200:
            print(f"{name:<22} skipped (HTTP {first.status_code})")
            continue
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, **headers)
        timings = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            client.get(url, **headers)
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{name:<22} {statistics.median(timings):>10.1f} {p95:>8.1f} "
              f"{len(executed):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
