"""`aftersales restore PATH`: replace the database's contents with a backup."""
from django.core.management.base import BaseCommand, CommandError

from aftersales.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore the database from a backup made by `aftersales backup` "
            "(everything now in the database is replaced). Stop the server first.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default="default")
        parser.add_argument("--noinput", "--no-input", action="store_true",
                            help="do not ask for confirmation")

    def handle(self, *args, path, database, noinput, **options):
        if not noinput:
            answer = input(f"Replace everything in the database with {path}? [yes/no] ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(path, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored from {path}")
