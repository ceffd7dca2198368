"""Past one machine, proven here: a streaming replica serves the reports while intake runs
on the primary.

    .venv/bin/python bench/replica.py --duration 10        (as root, on this machine's cluster)

AFTERSALES_DATABASE_URL names the primary database (filled by bench/generate.py). The script
allows local replication connections in the primary's pg_hba.conf (one line, added once, then
a reload), takes a base backup with pg_basebackup into a temporary directory, starts it as a
hot standby on port 5433 (owned by the postgres user), and serves the app with
AFTERSALES_REPLICA_DATABASE_URL pointing at it. Then, at the same time, wrk posts tickets
to the primary and requests the monthly fault analysis and the SLA report, which the
router sends to the replica. It prints what each side did (rows read per database from
pg_stat_database) and both throughputs, then stops and removes the standby.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from http_bench import (  # noqa: E402
    django_setup,
    ensure_wrk,
    run_wrk,
    samples,
    script_get,
    script_post,
    start_server,
    stop,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
HBA_LINE = "host replication all 127.0.0.1/32 trust"
REPLICA_PORT = 5433


def as_postgres(*cmd: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *cmd], **kwargs)


def psql(port: int, db: str, sql: str) -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                           "-At", "-d", db, "-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def allow_replication(db: str) -> None:
    hba = Path(psql(5432, db, "SHOW hba_file"))
    if HBA_LINE not in hba.read_text():
        with hba.open("a") as fh:
            fh.write(f"\n# aftersales bench/replica.py: local streaming replication\n{HBA_LINE}\n")
        psql(5432, db, "SELECT pg_reload_conf()")


def start_standby(db: str) -> Path:
    data = Path(tempfile.mkdtemp(prefix="aftersales-replica-"))
    shutil.chown(data, "postgres", "postgres")
    data.chmod(0o700)
    as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U",
                "postgres", "-D", str(data), "-R", "-X", "stream", check=True)
    conf = data / "postgresql.conf"  # Debian keeps the primary's configuration under /etc
    # a standby needs at least the primary's limits
    limits = {name: psql(5432, db, f"SHOW {name}") for name in (
        "max_connections", "max_worker_processes", "max_wal_senders",
        "max_prepared_transactions", "max_locks_per_transaction")}
    conf.write_text(f"port = {REPLICA_PORT}\nlisten_addresses = '127.0.0.1'\n"
                    "unix_socket_directories = '/tmp'\nhot_standby = on\n"
                    "shared_buffers = 256MB\njit = off\n"
                    + "".join(f"{k} = {v}\n" for k, v in limits.items()))
    shutil.copy(psql(5432, db, "SHOW hba_file"), data / "pg_hba.conf")
    for name in ("postgresql.conf", "pg_hba.conf"):
        shutil.chown(data / name, "postgres", "postgres")
    started = as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "log"),
                          "-w", "start", stdout=subprocess.DEVNULL)
    if started.returncode:
        log = (data / "log").read_text()[-2000:]
        shutil.rmtree(data, ignore_errors=True)
        raise SystemExit(f"the standby did not start:\n{log}")
    if psql(REPLICA_PORT, db, "SELECT pg_is_in_recovery()") != "t":
        raise SystemExit("the standby is not in recovery")
    return data


def stop_standby(data: Path) -> None:
    as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop",
                stdout=subprocess.DEVNULL)
    shutil.rmtree(data, ignore_errors=True)


def rows_read(port: int, db: str) -> int:
    return int(psql(port, db, "SELECT tup_returned + tup_fetched FROM pg_stat_database "
                              f"WHERE datname = '{db}'") or 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args(argv)
    url = urlsplit(os.environ["AFTERSALES_DATABASE_URL"])
    db = url.path.lstrip("/")
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    allow_replication(db)
    data = start_standby(db)
    os.environ["AFTERSALES_REPLICA_DATABASE_URL"] = (
        f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{db}")
    try:
        s = samples()  # writes the bench user on the primary; the standby replays it
        time.sleep(2)
        auth = {"Authorization": f"Bearer {s['token']}"}
        wrk = ensure_wrk()
        server = start_server(2)
        try:
            before = {"primary": rows_read(5432, db), "replica": rows_read(REPLICA_PORT, db)}
            results = {}
            month = time.strftime("%Y-%m", time.localtime(time.time() - 30 * 86400))
            reports = script_get([f"/api/v1/reports/fault-analysis?month={month}",
                                  "/api/v1/reports/sla?from=2026-01-01&to=2026-10-31"], auth)
            intake = script_post(["/api/v1/tickets"], [json.dumps(
                {"customer": c["id"], "channel": "phone", "kind": "repair", "priority": "normal",
                 "mode": "send_in", "summary": "屏幕不亮"}, ensure_ascii=False)
                for c in s["customers"]], auth)

            def side(name, script):
                results[name] = run_wrk(wrk, script, duration=args.duration,
                                        connections=args.connections)

            threads = [threading.Thread(target=side, args=("reports (replica)", reports)),
                       threading.Thread(target=side, args=("intake (primary)", intake))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            after = {"primary": rows_read(5432, db), "replica": rows_read(REPLICA_PORT, db)}
        finally:
            stop(server)
    finally:
        stop_standby(data)
    out = {"results": results,
           "rows_read": {k: after[k] - before[k] for k in before}}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
