"""The nearest peer in the same run: django-helpdesk 2.6.1 on the same PostgreSQL server.

    .venv/bin/python bench/helpdesk_bench.py --tickets 100000 --duration 10

Installs django-helpdesk 2.6.1 (with Django REST framework, gunicorn and psycopg) into a
virtualenv of its own under the system's temporary directory (never committed), writes a
minimal project with its REST API switched on, creates the database `bench_helpdesk` on the
server AFTERSALES_DATABASE_URL names, loads as many tickets as asked (bulk, through its ORM),
serves it like ours (gunicorn gthread, 2 workers × 4 threads) and drives it with wrk:
ticket creation (POST /api/tickets/, its own API, HTTP Basic auth as an admin) and the first
page of its ticket list. Prints and returns {scenario: {rps, p50_ms, p99_ms, non_2xx}};
bench/http_bench.py --helpdesk runs it in the same run as ours, for the ratios.
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from http_bench import ensure_wrk, run_wrk, stop  # noqa: E402

VERSION = "2.6.1"
PORT = 8191
DB = "bench_helpdesk"
PACKAGES = [f"django-helpdesk=={VERSION}", "Django==5.2.19", "djangorestframework",
            "psycopg[binary]==3.3.9", "gunicorn==27.0.1"]
USER, PASSWORD = "hdadmin", "hd-bench-2611"

SETTINGS = """
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
              "APP_DIRS": True, "OPTIONS": {"context_processors": [
                  "django.template.context_processors.request",
                  "django.contrib.auth.context_processors.auth",
                  "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "%(db)s",
                         "HOST": "%(host)s", "PORT": "%(port)s", "USER": "%(user)s",
                         "CONN_MAX_AGE": 600}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
SITE_ID = 1
STATIC_URL = "/static/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.BasicAuthentication"]}
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls"))]
"""

SEED = """
import sys
from django.contrib.auth import get_user_model
from helpdesk.models import Queue, Ticket
User = get_user_model()
u, _ = User.objects.get_or_create(username="%(user)s", defaults={"is_staff": True,
                                                                "is_superuser": True})
u.set_password("%(password)s"); u.save()
q, _ = Queue.objects.get_or_create(slug="repair", defaults={"title": "维修",
                                                           "allow_public_submission": True})
want = int(sys.argv[1]) - Ticket.objects.count()
if want > 1:
    # one ticket through its ORM (every default of its own), then the rest copied from that
    # row inside PostgreSQL, varying the title and the submitter: millions in minutes
    from django.db import connection, transaction
    first = Ticket(queue=q, title="屏幕不亮 0", description="客户来电：屏幕不亮",
                   submitter_email="c0@example.cn", priority=3)
    first.save()
    cols = [f.column for f in Ticket._meta.concrete_fields if not f.primary_key]
    vary = {"title": "'屏幕不亮 ' || g", "submitter_email": "'c' || g || '@example.cn'"}
    names = ", ".join('"%%s"' %% c for c in cols)
    values = ", ".join(vary.get(c, 't."%%s"' %% c) for c in cols)
    done = 0
    while done < want - 1:
        n = min(500000, want - 1 - done)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute('INSERT INTO "%%s" (%%s) SELECT %%s FROM "%%s" t, generate_series(%%d, %%d) g'
                           ' WHERE t.id = %%d' %% (Ticket._meta.db_table, names, values,
                                                 Ticket._meta.db_table, done + 1, done + n,
                                                 first.pk))
        done += n
        print("helpdesk seed: %%d of %%d" %% (done + 1, want), file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    want = 0
batch = []
for i in range(max(want, 0)):
    batch.append(Ticket(queue=q, title="屏幕不亮 %%d" %% i, description="客户来电：屏幕不亮",
                        submitter_email="c%%d@example.cn" %% i, priority=3))
    if len(batch) == 5000:
        Ticket.objects.bulk_create(batch); batch = []
        if (i + 1) %% 200000 == 0:
            print("helpdesk seed: %%d of %%d" %% (i + 1, want), file=sys.stderr, flush=True)
if batch:
    Ticket.objects.bulk_create(batch)
print(q.id)
"""


def venv_python() -> Path:
    root = Path(tempfile.gettempdir()) / f"aftersales-bench-helpdesk-{VERSION}"
    python = root / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    return python


def database_parts() -> dict:
    url = urlsplit(os.environ.get("AFTERSALES_DATABASE_URL",
                                  "postgres://postgres@127.0.0.1:5432/postgres"))
    return {"host": url.hostname or "127.0.0.1", "port": url.port or 5432,
            "user": url.username or "postgres", "db": DB}


def project(parts: dict) -> Path:
    root = Path(tempfile.mkdtemp(prefix="hdproject-"))
    pkg = root / "hdproject"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS % parts)
    (pkg / "urls.py").write_text(URLS)
    (pkg / "wsgi.py").write_text("from django.core.wsgi import get_wsgi_application\n"
                                 "application = get_wsgi_application()\n")
    (root / "seed.py").write_text(SEED % {"user": USER, "password": PASSWORD})
    return root


def run(tickets: int, duration: int, connections: int) -> dict:
    python = venv_python()
    parts = database_parts()
    subprocess.run(["psql", "-h", parts["host"], "-p", str(parts["port"]), "-U", parts["user"],
                    "-qc", f"CREATE DATABASE {DB}"], capture_output=True)
    root = project(parts)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hdproject.settings",
           "PYTHONPATH": str(root)}
    env.pop("AFTERSALES_DATABASE_URL", None)
    admin = str(Path(python).parent / "django-admin")
    subprocess.run([admin, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    queue = subprocess.run([str(python), "-c",
                            "import django; django.setup(); "
                            "exec(open('seed.py').read())", str(tickets)],
                           env=env, cwd=root, check=True, stdout=subprocess.PIPE,
                           text=True).stdout.strip().splitlines()[-1]
    server = subprocess.Popen([str(Path(python).parent / "gunicorn"), "hdproject.wsgi",
                               "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
                               "--threads", "4", "--worker-class", "gthread"],
                              env=env, cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
    list_path = "/api/tickets/?page=1"
    names = ("helpdesk: create ticket", "helpdesk: ticket list page 1")
    try:
        try:
            ready = wait_ready(f"http://127.0.0.1:{PORT}{list_path}", auth)
        except RuntimeError as exc:  # reported in the results, the rest of the run goes on
            return {name: {"rps": None, "p50_ms": None, "p99_ms": None, "requests": 0,
                           "non_2xx": 0, "error": str(exc)} for name in names}
        wrk = ensure_wrk()
        body = json.dumps({"queue": int(queue), "title": "屏幕不亮", "description": "客户来电",
                           "submitter_email": "c@example.cn", "priority": 3},
                          ensure_ascii=False)
        head = "".join(f'wrk.headers["{k}"] = {json.dumps(v)}\n' for k, v in auth.items())
        create = (head + 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                  f"wrk.body = {json.dumps(body, ensure_ascii=False)}\n")
        results = {}
        for name, path, script, method, data in (
                (names[0], "/api/tickets/", create, "POST", body),
                (names[1], list_path, head, "GET", None)):
            results[name] = measure(wrk, script, path=path, method=method, body=data,
                                    headers=auth, duration=duration, connections=connections)
            results[name]["ready_after_s"] = ready
            print(f"{name:<42} {results[name]}", file=sys.stderr, flush=True)
    finally:
        stop(server)
        shutil.rmtree(root, ignore_errors=True)
    return results


MIN_DURATION = 30  # seconds of wrk per scenario when its requests are slow
SLOW_REQUESTS = 20  # wrk runs for this many warmed-up requests' time (up to MIN_DURATION)
WARM_UP = 3  # sequential requests before wrk (the first ones fill its caches)
PROBE_TIMEOUT = 120  # a list page that takes longer is reported as not answering


def wait_ready(url: str, headers: dict, *, within: float = 180) -> float:
    """Seconds until the server answers at all (any HTTP status: its list may take minutes
    on a big table, the warm-up measures that); RuntimeError otherwise."""
    root = url.split("/api/")[0] + "/"
    started, last = time.monotonic(), "no answer"
    while time.monotonic() - started < within:
        found = probe(root, headers=headers, timeout=30)
        if found["status"]:
            return round(time.monotonic() - started, 1)
        last = found.get("error") or "no answer"
        time.sleep(1)
    raise RuntimeError(f"django-helpdesk did not answer {url} within {within:.0f} s: {last}")


def probe(url: str, *, method: str = "GET", body: str | None = None, headers: dict,
          timeout: float) -> dict:
    """One request: its status and seconds, or the error (never raises)."""
    request = urllib.request.Request(url, method=method, headers={
        **headers, "Content-Type": "application/json"},
        data=body.encode() if body is not None else None)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return {"status": response.status, "seconds": time.perf_counter() - t}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "seconds": time.perf_counter() - t,
                "error": f"HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}"}
    except OSError as exc:
        return {"status": 0, "seconds": time.perf_counter() - t, "error": str(exc)[:200]}


def measure(wrk: str, script: str, *, path: str, method: str, body: str | None,
            headers: dict, duration: int, connections: int) -> dict:
    """Warm up with a few sequential requests (an error is reported, not measured), then
    wrk; when wrk completes no request in its time (each takes longer than the run), the
    sequential requests' timings are the result, marked as such — never a silent 0."""
    url = f"http://127.0.0.1:{PORT}{path}"
    warm = []
    for _ in range(WARM_UP):
        warm.append(probe(url, method=method, body=body, headers=headers,
                          timeout=PROBE_TIMEOUT))
        # one request outlasts the longest wrk run: enough said
        if warm[-1]["seconds"] > max(duration, MIN_DURATION):
            break
    failed = [w for w in warm if not 200 <= w["status"] < 300]
    if failed:
        return {"rps": None, "p50_ms": None, "p99_ms": None, "requests": 0,
                "non_2xx": len(failed), "error": failed[0].get("error", "failed")}
    # its requests take seconds on a big table: give wrk time to finish some (up to
    # MIN_DURATION); quick ones (a small table, as in CI) keep the asked duration
    duration = max(duration, min(MIN_DURATION, math.ceil(SLOW_REQUESTS * warm[-1]["seconds"])))
    if warm[-1]["seconds"] > duration:
        result = {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "non_2xx": 0}
    else:
        result = run_wrk(wrk, script, duration=duration, connections=connections, port=PORT,
                         path=path, timeout=PROBE_TIMEOUT)
    result["warm_up_s"] = [round(w["seconds"], 2) for w in warm]
    if not result["requests"]:
        result.pop("error", None)  # wrk's empty report: the sequential timings stand in
        times = sorted(w["seconds"] for w in warm)
        result.update({"rps": round(1 / statistics.median(times), 3),
                       "p50_ms": round(statistics.median(times) * 1000),
                       "p99_ms": round(times[-1] * 1000), "requests": len(times),
                       "note": f"a request takes longer than wrk's {duration} s at "
                               f"{connections} connections; sequential requests measured"})
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.tickets, args.duration, args.connections), indent=2,
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
