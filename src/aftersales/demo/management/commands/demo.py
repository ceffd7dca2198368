from django.core.management import call_command
from django.core.management.base import BaseCommand

from aftersales.demo.loader import DEMO_PASSWORD, STAFF, demo_exists, load_demo


class Command(BaseCommand):
    help = "Load the realistic Chinese demo data set (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--devices", type=int, default=1000)

    def handle(self, *args, customers, devices, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo_exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            summary = load_demo(customers=customers, devices=devices)
            self.stdout.write("Demo data loaded: " +
                              ", ".join(f"{k} {v}" for k, v in summary.items()))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, name, role, point, _skills in STAFF:
            self.stdout.write(f"  {username:<14} {role:<10} {point or 'HQ':<6} {name}")
