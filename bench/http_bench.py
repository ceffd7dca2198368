"""Benchmark over HTTP: `aftersales serve` (2 workers) driven by wrk, with references.

    .venv/bin/python bench/http_bench.py --scale 0.01 --duration 10      # generate, then measure
    .venv/bin/python bench/http_bench.py --no-generate --duration 30     # on data already loaded

AFTERSALES_DATABASE_URL names the PostgreSQL database (it is generated into when empty).
Scenarios, each `wrk -t2 -cC -dD --latency` against the app on 127.0.0.1:
intake (POST /tickets), hotline look-ups (phone, last four digits, serial, name, ticket
number; API and console), the ticket list (filters, substring search), one action
(`respond`), the public tracking page; references in the same run: the same stack's empty
JSON endpoint (the framework's ceiling) and pgbench inserting ticket-sized rows (the
storage's ceiling). In-process: the monthly fault analysis and the SLA sweep. For each:
requests/s, p50/p99, non-2xx answers, queries per request; memory per worker after the run.
Results: a JSON file and a Markdown table under bench/results/. Never a test: numbers only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PORT = 8190


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "-qq", "install", "-y", "wrk"], check=False,
                       stdout=subprocess.DEVNULL, env={**os.environ,
                                                       "DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed (Debian package wrk)")
    return found


def samples(n: int = 500) -> dict:
    """Real keys from the data: phones, serials, names, ticket numbers, secrets."""
    from aftersales.core.api import issue_token
    from aftersales.customers.models import Customer
    from aftersales.devices.models import Device
    from aftersales.network.models import User
    from aftersales.tickets.models import Ticket

    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={
        "role": "admin", "is_superuser": True, "is_staff": True, "name": "压测管理员"})
    admin.set_password("bench-pass-2611")
    admin.save()
    customers = list(spread(Customer.objects, n).values("id", "phone", "name"))
    devices = list(spread(Device.objects, n).values_list("serial", flat=True))
    tickets = list(spread(Ticket.objects, n).values("id", "number", "tracking_secret"))
    from aftersales.network.models import ServicePoint

    point = ServicePoint.objects.order_by("id").first()
    manager = None
    if point is not None:  # one service point's manager (the generator makes engineers only)
        manager, _ = User.objects.get_or_create(username="bench_manager", defaults={
            "role": "manager", "service_point": point, "name": "压测站长"})
    return {"token": issue_token(admin), "customers": customers, "serials": devices,
            "tickets": tickets, "console_cookie": console_cookie(admin),
            "manager_cookie": console_cookie(manager) if manager else None}


def console_cookie(user) -> str:
    """A signed-in console session for `user` (the Cookie header wrk sends)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def spread(qs, n: int):
    """About `n` rows spread evenly over the table by id, read in one query by their ids
    (slicing with a step would read every row of a table of millions into memory)."""
    from django.db.models import Max, Min

    bounds = qs.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return qs.none()
    step = max((bounds["high"] - bounds["low"]) // n, 1)
    return qs.filter(id__in=list(range(bounds["low"], bounds["high"] + 1, step))[:n]).order_by("id")


# wrk runs two threads, each with its own Lua state: each takes every other item, so two
# threads never act on the same ticket
SPREAD = ("local threads_made = 0\n"
          "function setup(thread)\n  thread:set('offset', threads_made)\n"
          "  threads_made = threads_made + 1\nend\n"
          "offset = 0\ni = 0\n")


def lua_list(name: str, values: list[str]) -> str:
    return f"{name} = {{" + ",".join(json.dumps(v, ensure_ascii=False) for v in values) + "}\n"


def _quoted(path: str) -> str:
    return quote(path, safe="/?=&%-_.~")


def script_get(paths: list[str], headers: dict) -> str:
    paths = [_quoted(p) for p in paths]
    head = "".join(f'wrk.headers["{k}"] = {json.dumps(v)}\n' for k, v in headers.items())
    return (lua_list("paths", paths) + head + SPREAD +
            "request = function()\n  i = i + 1\n"
            "  return wrk.format('GET', paths[((i * 2 + offset) % #paths) + 1])\nend\n")


def script_post(paths: list[str], bodies: list[str], headers: dict) -> str:
    paths = [_quoted(p) for p in paths]
    head = "".join(f'wrk.headers["{k}"] = {json.dumps(v)}\n' for k, v in headers.items())
    return (lua_list("paths", paths) + lua_list("bodies", bodies) + head +
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n' +
            SPREAD + "request = function()\n  i = i + 1\n"
            "  local k = i * 2 + offset\n"
            "  return wrk.format('POST', paths[(k % #paths) + 1], nil, bodies[(k % #bodies) + 1])\n"
            "end\n")


def run_wrk(wrk: str, script: str, *, duration: int, connections: int, port: int = PORT,
            path: str = "", timeout: int = 30) -> dict:
    """One wrk run; a run that completed nothing carries an `error` (never a silent 0)."""
    url_path = path
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:
        done = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
                               "--timeout", f"{timeout}s", "-s", path,
                               f"http://127.0.0.1:{port}{url_path}"],
                              capture_output=True, text=True, timeout=duration + timeout + 90)
    except subprocess.TimeoutExpired:
        os.unlink(path)
        return {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "non_2xx": 0,
                "error": "wrk did not finish"}
    os.unlink(path)
    result = parse_wrk(done.stdout)
    errors = re.search(r"Socket errors:(.*)", done.stdout)
    if errors:
        result["socket_errors"] = errors.group(1).strip()
    if not result["requests"]:
        result["error"] = (f"wrk completed no request: {done.stdout[-300:]} "
                           f"{done.stderr[-300:]}").strip()
        print(result["error"], file=sys.stderr)
    return result


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(rps.group(1)) if rps else 0.0,
            "p50_ms": _ms(lat["50"]) if "50" in lat else None,
            "p99_ms": _ms(lat["99"]) if "99" in lat else None,
            "requests": int(total.group(1)) if total else 0,
            "non_2xx": int(bad.group(1)) if bad else 0}


def queries_per_request(path: str, *, method="GET", body=None, token: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    with CaptureQueriesContext(connection) as ctx:
        if method == "GET":
            client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        else:
            client.post(path, body, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")
    return len(ctx.captured_queries)


def start_server(workers: int) -> subprocess.Popen:
    env = {**os.environ, "WEB_CONCURRENCY": str(workers), "AFTERSALES_LOG_LEVEL": "WARNING",
           "AFTERSALES_EMBEDDED_SCHEDULER": "false", "AFTERSALES_ACCESS_LOG": "false",
           # every wrk connection comes from one address: the public side's per-address and
           # per-ticket limits (issue 11) would answer 429 to nearly all of the tracking
           # scenario, which measures the page, not the limiter
           "AFTERSALES_PUBLIC_RATE_PER_IP": "1000000000",
           "AFTERSALES_PUBLIC_RATE_PER_TICKET": "1000000000"}
    proc = subprocess.Popen([str(VENV_BIN / "aftersales"), "serve", "--bind",
                             f"127.0.0.1:{PORT}", "--no-migrate"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server and its workers: TERM, then KILL if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-ax"], capture_output=True,
                         text=True).stdout
    return [int(rss) / 1024 for pid, ppid, rss in (line.split() for line in out.splitlines())
            if int(ppid) == proc.pid]


def pgbench_rows(duration: int, connections: int) -> float | None:
    """The storage ceiling: pgbench inserting ticket-sized rows into a scratch table."""
    from django.db import connection

    if connection.vendor != "postgresql" or not shutil.which("pgbench"):
        return None
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_ticket_like (id bigserial primary key, "
                    "number text unique, status text, customer_id bigint, summary text, "
                    "created_at timestamptz default now(), data jsonb)")
    script = ("INSERT INTO bench_ticket_like (number, status, customer_id, summary, data) "
              "VALUES ('B' || txid_current() || '-' || (random()*1e9)::bigint, 'new', "
              "(random()*1e6)::bigint, '屏幕不亮，无法开机', '{\"channel\": \"phone\"}');\n")
    tps, _out = _pgbench(script, duration, connections)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_ticket_like")
    return tps


def _pgbench(script: str, duration: int, connections: int) -> tuple[float | None, str]:
    """pgbench running `script` against the app's database: (transactions/s, its output)."""
    from django.db import connection

    settings = connection.settings_dict
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(["pgbench", "-n", "-h", settings["HOST"] or "127.0.0.1", "-p",
                              str(settings["PORT"] or 5432), "-U",
                              settings["USER"] or "postgres", "-c", str(connections), "-j", "2",
                              "-T", str(duration), "-f", fh.name, settings["NAME"]],
                             capture_output=True, text=True)
    finally:
        os.unlink(fh.name)
    found = re.search(r"tps = ([\d.]+)", out.stdout)
    return (float(found.group(1)) if found else None), (out.stderr or out.stdout)


def pgbench_intake_writes(duration: int, connections: int, *, token: str,
                          customer: int) -> dict | None:
    """The storage ceiling for the same rows: pgbench replaying, one transaction each, the
    very writes one intake makes (the number's sequence row, the ticket with all its
    indexes, its event, its clocks, its queued message), captured from a real
    `POST /tickets` on this database; the unique literals are made unique per transaction.
    The rows it adds are deleted afterwards."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aftersales.tickets.models import Ticket

    if connection.vendor != "postgresql" or not shutil.which("pgbench"):
        return None
    client = Client(SERVER_NAME="127.0.0.1")
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/tickets", json.dumps({
            "customer": customer, "channel": "phone", "kind": "repair", "priority": "normal",
            "mode": "send_in", "summary": "屏幕不亮"}, ensure_ascii=False),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    if response.status_code != 201:
        return None
    ticket = Ticket.objects.get(pk=response.json()["id"])
    writes, inside = [], False
    for query in captured.captured_queries:
        sql = query["sql"]
        inside = inside or sql == "BEGIN"
        if sql == "COMMIT":
            break
        if inside and sql.startswith(("INSERT", "UPDATE")):
            writes.append(sql)
    marker = "PGB"
    unique = {f"'{ticket.number}'": f"'{marker}' || txid_current()",
              f"'{ticket.tracking_secret}'": "md5(random()::text || txid_current())"}
    # a scalar subquery: evaluated once, so `WHERE id = …` is an index look-up
    new_id = "(SELECT currval(pg_get_serial_sequence('tickets_ticket', 'id')))"
    script = ["BEGIN;"]
    for sql in writes:
        for literal, expression in unique.items():
            sql = sql.replace(literal, expression)
        if not sql.startswith('INSERT INTO "tickets_ticket"'):
            sql = _with_id(sql, ticket.pk, new_id)
        script.append(sql + ";")
    script.append("COMMIT;")
    tps, out = _pgbench("\n".join(script) + "\n", duration, connections)
    with connection.cursor() as cur:  # what pgbench added
        cur.execute("DELETE FROM tickets_ticketevent WHERE ticket_id IN (SELECT id FROM "
                    "tickets_ticket WHERE number LIKE %s)", [f"{marker}%"])
        cur.execute("DELETE FROM notifications_outbox WHERE ticket_id IN (SELECT id FROM "
                    "tickets_ticket WHERE number LIKE %s)", [f"{marker}%"])
        cur.execute("DELETE FROM tickets_ticket WHERE number LIKE %s", [f"{marker}%"])
    return {"tps": tps, "statements": len(writes),
            **({} if tps is not None else {"error": out[-300:]})}


def _with_id(sql: str, pk: int, expression: str) -> str:
    """`pk` replaced by `expression` in `sql`: outside string literals as it is, inside one
    (a message's key such as 'ticket_opened:123') by concatenation."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    found = re.compile(rf"\b{pk}\b")
    for i, part in enumerate(parts):
        if i % 2 == 0:
            parts[i] = found.sub(expression, part)
        elif found.search(part):
            parts[i] = "(" + found.sub(f"' || {expression} || '", part) + ")"
    return "".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--helpdesk", action="store_true",
                        help="also run django-helpdesk 2.6.1 with as many tickets (same run)")
    parser.add_argument("--sweep-open", type=int, default=1_000_000,
                        help="open tickets for the in-process SLA sweep (bench/in_process.py)")
    parser.add_argument("--import-devices", type=int, default=100_000,
                        help="rows of the in-process device import (0: skip)")
    args = parser.parse_args(argv)
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    sys.path.insert(0, str(ROOT / "bench"))
    from aftersales.customers.models import Customer

    if not args.no_generate and not Customer.objects.exists():
        import generate

        generate.generate(scale=args.scale, seed=2611)
    wrk = ensure_wrk()
    s = samples()
    auth = {"Authorization": f"Bearer {s['token']}"}
    phones = [c["phone"] for c in s["customers"]]
    names = [c["name"][:2] for c in s["customers"]]
    numbers = [t["number"] for t in s["tickets"]]
    console = {"Cookie": s["console_cookie"]}
    scenarios = {
        "empty JSON endpoint (framework ceiling)": script_get(["/api/v1/health"], {}),
        "lookup: phone (API)": script_get([f"/api/v1/customers?q={p}" for p in phones], auth),
        "lookup: last 4 digits (API)": script_get([f"/api/v1/customers?q={p[-4:]}"
                                                   for p in phones], auth),
        "lookup: serial (API)": script_get([f"/api/v1/devices/{x}" for x in s["serials"]], auth),
        "lookup: name (API)": script_get([f"/api/v1/customers?q={n}" for n in names], auth),
        "lookup: ticket number (API)": script_get([f"/api/v1/tickets?q={n}" for n in numbers],
                                                  auth),
        "tickets by phone (API)": script_get([f"/api/v1/tickets?phone={p}" for p in phones],
                                             auth),
        "ticket list, status filter": script_get(["/api/v1/tickets?status=closed&page_size=50"],
                                                 auth),
        "ticket list, substring search": script_get(
            [f"/api/v1/tickets?q={n}&page_size=50" for n in ("屏幕", "充电", "开机", "信号")],
            auth),
        "console: hotline search, phone": script_get(
            [f"/customers/hotline/?q={p}" for p in phones], console),
        "console: hotline search, name": script_get(
            [f"/customers/hotline/?q={n}" for n in names], console),
        "console: hotline search, serial": script_get(
            [f"/customers/hotline/?q={x}" for x in s["serials"]], console),
        "console: dispatch board, whole network": script_get(["/tickets/dispatch/"], console),
        **({"console: dispatch board, one point's manager": script_get(
            ["/tickets/dispatch/"], {"Cookie": s["manager_cookie"]})}
           if s["manager_cookie"] else {}),
        "public tracking page": script_get([f"/portal/t/{t['tracking_secret']}"
                                            for t in s["tickets"]], {}),
        "intake (POST /tickets)": script_post(
            ["/api/v1/tickets"],
            [json.dumps({"customer": c["id"], "channel": "phone", "kind": "repair",
                         "priority": "normal", "mode": "send_in", "summary": "屏幕不亮"},
                        ensure_ascii=False) for c in s["customers"]], auth),
    }
    results = {"date": date.today().isoformat(), "scale": args.scale,
               "customers": Customer.objects.count(), "workers": args.workers,
               "connections": args.connections, "duration_s": args.duration, "http": {}}
    server = start_server(args.workers)
    try:
        for name, script in scenarios.items():
            results["http"][name] = run_wrk(wrk, script, duration=args.duration,
                                            connections=args.connections)
            print(f"{name:<42} {results['http'][name]}", flush=True)
        # one action: respond to the tickets intake just opened
        from aftersales.tickets.models import Ticket

        fresh = list(Ticket.objects.filter(status="new", summary="屏幕不亮")
                     .order_by("-id").values_list("id", flat=True)[:20000])
        if fresh:
            results["http"]["action: respond"] = run_wrk(wrk, script_post(
                [f"/api/v1/tickets/{i}/actions/respond" for i in fresh],
                [json.dumps({"note": "已联系客户"}, ensure_ascii=False)], auth),
                duration=min(args.duration, 5), connections=args.connections)
        results["worker_rss_mb"] = [round(x, 1) for x in worker_rss_mb(server)]
    finally:
        stop(server)
    customer = s["customers"][0]
    results["queries"] = {
        "intake": queries_per_request("/api/v1/tickets", method="POST", token=s["token"], body={
            "customer": customer["id"], "channel": "phone", "kind": "repair",
            "priority": "normal", "mode": "send_in", "summary": "屏幕不亮"}),
        "lookup: phone": queries_per_request(f"/api/v1/customers?q={customer['phone']}",
                                             token=s["token"]),
        "ticket list": queries_per_request("/api/v1/tickets?page_size=50", token=s["token"]),
        "tickets by phone": queries_per_request(f"/api/v1/tickets?phone={customer['phone']}",
                                                token=s["token"]),
    }
    results["pgbench_tps"] = pgbench_rows(args.duration, args.connections)
    results["pgbench_intake_writes"] = pgbench_intake_writes(
        args.duration, args.connections, token=s["token"], customer=customer["id"])
    if args.helpdesk:
        import helpdesk_bench

        from aftersales.tickets.models import Ticket

        results["http"].update(helpdesk_bench.run(Ticket.objects.count(), args.duration,
                                                  args.connections))
    import in_process

    results["in_process"] = in_process.run(sweep_open=args.sweep_open, sweep_due=200,
                                           import_devices=args.import_devices)
    ceiling = results["http"]["empty JSON endpoint (framework ceiling)"]["rps"]
    intake = results["http"]["intake (POST /tickets)"]["rps"]
    results["ratios"] = {
        "intake / framework ceiling": round(intake / ceiling, 3) if ceiling else None,
        "intake / pgbench rows": (round(intake / results["pgbench_tps"], 3)
                                  if results["pgbench_tps"] else None)}
    same = (results["pgbench_intake_writes"] or {}).get("tps")
    results["ratios"]["intake / pgbench, the same writes"] = (round(intake / same, 3)
                                                              if same else None)
    peer = (results["http"].get("helpdesk: create ticket", {}).get("rps")
            if not results["http"].get("helpdesk: create ticket", {}).get("error") else None)
    if peer:
        results["ratios"]["intake / django-helpdesk create"] = round(intake / peer, 2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{results['date']}-http-scale{args.scale}"
    stem.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    lines = [f"# HTTP benchmark {results['date']} (scale {args.scale}, "
             f"{results['customers']:,} customers, {args.workers} workers, "
             f"{args.connections} connections, {args.duration} s each)", "",
             "| scenario | req/s | p50 ms | p99 ms | non-2xx |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, r in results["http"].items():
        rps = f"{r['rps']:.1f}" if r.get("rps") is not None else "—"
        note = f" ({r.get('error') or r.get('note')})" if r.get("error") or r.get("note") else ""
        lines.append(f"| {name}{note} | {rps} | {r['p50_ms']} | {r['p99_ms']} | "
                     f"{r['non_2xx']} |")
    ip = results["in_process"]
    lines += ["", "| in-process | result | target |", "| --- | ---: | ---: |",
              f"| fault analysis, {ip.get('fault_analysis_month')} over "
              f"{ip.get('tickets_total', 0):,} tickets | {ip.get('fault_analysis_s')} s | ≤ 1 s |",
              f"| SLA sweep, {ip.get('sweep_open_tickets', 0):,} open tickets (first pass, "
              f"{ip.get('sweep_due_tickets', 0):,} due) | {ip.get('sla_sweep_first_s')} s | |",
              f"| SLA sweep, steady state | {ip.get('sla_sweep_again_s')} s | ≤ 5 s |",
              f"| import of {ip.get('import_devices_rows', 0):,} devices "
              f"({ip.get('import_devices_queries')} queries) | {ip.get('import_devices_s')} s "
              f"| ≤ 60 s |"]
    lines += [f"| {k} | {v} | |" for k, v in ip.items() if k.endswith(" error")]
    lines += ["", f"pgbench rows/s: {results['pgbench_tps']}; worker RSS MB: "
              f"{results['worker_rss_mb']}; queries: {results['queries']}; "
              f"ratios: {results['ratios']}"]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
