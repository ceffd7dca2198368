"""`aftersales serve`: migrate, collect static files, then gunicorn (gthread) + whitenoise.

Workers and threads come from the environment (WEB_CONCURRENCY, AFTERSALES_THREADS) or the
options, with defaults right for the machine: one worker per core (each with threads, since
a request mostly waits on the database), at least two so one slow request never stalls the
rest. In embedded mode (no broker) each worker also runs a background sender, so messages
and webhooks are sent after the response, never inside the request."""
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

from aftersales.notifications.dispatch import start_background_sender
from aftersales.tickets.sweeps import start_embedded_scheduler


def default_workers() -> int:
    from_env = os.environ.get("WEB_CONCURRENCY", "")
    if from_env.isdigit() and int(from_env) > 0:
        return int(from_env)
    return max(2, os.cpu_count() or 1)


def default_threads() -> int:
    from_env = os.environ.get("AFTERSALES_THREADS", "")
    return int(from_env) if from_env.isdigit() and int(from_env) > 0 else 4


def _worker_started(worker) -> None:
    """gunicorn's post_worker_init hook: one background sender per worker process."""
    start_background_sender()


class Command(BaseCommand):
    help = "Serve the app (web + API) in production mode with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=None,
                            help="default: WEB_CONCURRENCY, else one per core (at least 2)")
        parser.add_argument("--threads", type=int, default=None,
                            help="default: AFTERSALES_THREADS, else 4")
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, bind, workers, threads, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or default_workers()
        threads = threads or default_threads()
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            workers = min(workers, 2)  # one writer at a time anyway; threads carry the load
        application = get_wsgi_application()
        access_log = os.environ.get("AFTERSALES_ACCESS_LOG", "true").lower() != "false"
        config = {"bind": bind, "workers": workers, "threads": threads,
                  "worker_class": "gthread", "timeout": 60,
                  "accesslog": "-" if access_log else None}
        if not settings.BROKER_URL:
            config["post_worker_init"] = _worker_started

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        if settings.EMBEDDED_SCHEDULER:
            # Embedded mode (no broker): the sweeps run in a thread of this process.
            start_embedded_scheduler(interval=settings.SWEEP_INTERVAL_SECONDS,
                                     mail_interval=settings.MAIL_FETCH_INTERVAL_SECONDS)
        self.stdout.write(f"Serving Aftersales on http://{bind}/ "
                          f"({workers} workers × {threads} threads)")
        Server().run()
