"""`aftersales serve`: migrate, collect static files, then gunicorn (gthread) + whitenoise."""
import multiprocessing

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

from aftersales.tickets.sweeps import start_embedded_scheduler


class Command(BaseCommand):
    help = "Serve the app (web + API) in production mode with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int,
                            default=min(4, multiprocessing.cpu_count() * 2 + 1))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, bind, workers, threads, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            workers = min(workers, 2)  # one writer at a time anyway; threads carry the load
        application = get_wsgi_application()

        class Server(BaseApplication):
            def load_config(self):
                for key, value in {"bind": bind, "workers": workers, "threads": threads,
                                   "worker_class": "gthread", "accesslog": "-",
                                   "timeout": 60}.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        if settings.EMBEDDED_SCHEDULER:
            # Embedded mode (no broker): the sweeps run in a thread of this process.
            start_embedded_scheduler(interval=settings.SWEEP_INTERVAL_SECONDS,
                                     mail_interval=settings.MAIL_FETCH_INTERVAL_SECONDS)
        self.stdout.write(f"Serving Aftersales on http://{bind}/")
        Server().run()
