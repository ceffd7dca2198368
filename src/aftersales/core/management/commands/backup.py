"""`aftersales backup PATH`: a consistent copy of the whole database (core.backup)."""
from django.core.management.base import BaseCommand, CommandError

from aftersales.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back the database up to PATH (SQLite online backup; PostgreSQL pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        try:
            written = backup(path, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up to {written}")
