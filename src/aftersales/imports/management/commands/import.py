"""`aftersales import KIND FILE [--skip-bad-rows] [--user NAME]`: an Excel import from the
command line, with a progress bar and the row-level error report."""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aftersales.core.errors import DomainError
from aftersales.imports import services
from aftersales.imports.models import ImportJob
from aftersales.network.models import User


class Command(BaseCommand):
    help = "Import customers, devices, sales records or stock from an .xlsx workbook."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportJob.Kind.values)
        parser.add_argument("file")
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="import the good rows and list the bad ones "
                                 "(default: all or nothing)")
        parser.add_argument("--user", default=None,
                            help="the staff member the import is made as (default: the "
                                 "first active superuser)")

    def handle(self, *args, kind, file, skip_bad_rows, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = (User.objects.filter(username=user, is_active=True).first() if user else
                 User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first())
        if actor is None:
            raise CommandError("No such active user (create a superuser or pass --user).")
        mode = "skip_bad_rows" if skip_bad_rows else "all_or_nothing"
        try:
            job = services.start_import(actor=actor, kind=kind, mode=mode,
                                        file_name=path.name, content=path.read_bytes())
        except DomainError as exc:
            raise CommandError(exc.message) from None
        job = services.run_import(job_id=job.pk, on_progress=self._bar)
        self.stdout.write("")
        for error in job.errors:
            self.stdout.write(f"row {error['row']} {error['column']}: {error['reason']}")
        self.stdout.write(f"{job.status}: {job.imported} of {job.rows} rows imported, "
                          f"{len(job.errors)} errors (import #{job.pk})")
        if job.status == ImportJob.Status.FAILED:
            sys.exit(1)

    def _bar(self, checked: int, total: int) -> None:
        if total and (checked % 100 == 0 or checked == total):
            filled = checked * 30 // total
            self.stdout.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {checked}/{total}",
                              ending="")
            self.stdout.flush()
