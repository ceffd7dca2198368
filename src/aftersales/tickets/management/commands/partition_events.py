"""`aftersales partition_events [--months-ahead 3]`: ticket events by month (PostgreSQL)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from aftersales.tickets.partitions import partition_events


class Command(BaseCommand):
    help = "Partition the ticket events by month (once), then add the coming months."

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=3)

    def handle(self, *args, months_ahead, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Partitioning needs PostgreSQL; SQLite keeps one table.")
        done = partition_events(today=timezone.localdate(), months_ahead=months_ahead)
        self.stdout.write(f"converted: {done['converted']}, rows moved: {done['moved_rows']}, "
                          f"partitions added: {done['partitions_added']}")
