"""`aftersales fetch_mail`: read the service mailbox over IMAP once (run it every 10
minutes from cron, or let the sweeps' scheduler do it when AFTERSALES_IMAP_HOST is set)."""
import imaplib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aftersales.tickets.inbound_mail import fetch_mail


class Command(BaseCommand):
    help = "Turn unread mails of the service mailbox into tickets and ticket replies."

    def handle(self, *args, **options):
        if not settings.IMAP_HOST:
            raise CommandError("Set AFTERSALES_IMAP_HOST (and _PORT, _USER, _PASSWORD, _SSL).")
        try:
            summary = fetch_mail(host=settings.IMAP_HOST, port=settings.IMAP_PORT,
                                 user=settings.IMAP_USER, password=settings.IMAP_PASSWORD,
                                 use_ssl=settings.IMAP_SSL, mailbox=settings.IMAP_MAILBOX)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise CommandError(f"Mailbox: {exc}") from exc
        self.stdout.write(f"tickets: {summary.tickets} replies: {summary.replies} "
                          f"unknown senders: {summary.unknown} failed: {summary.failed}")
        for number in summary.numbers:
            self.stdout.write(f"opened {number}")
