"""Inbound e-mail (PRODUCT.md "e-mail read every 10 min"): the service mailbox, read over
IMAP by `aftersales fetch_mail` (cron or the scheduler), becomes tickets and replies.

- A mail whose subject carries a ticket number, e.g. "Re: [SR20261123-0042] ...", from
  that ticket's customer, is appended to the ticket as a `customer_reply` event.
- Any other mail from a customer known by e-mail opens a ticket (channel e-mail, a remote
  consultation until the hotline classifies it) with the Message-ID as idempotency key,
  and the customer is told an engineer will call.
- Mail from an unknown sender is flagged (\\Flagged) and left unread for a person.

A message is marked \\Seen only after its transaction committed; fetching uses BODY.PEEK
so a crash half-way leaves it unread, and the idempotency key / Message-ID make the
retry harmless.
"""
from __future__ import annotations

import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from django.db import transaction
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer

from . import events
from .models import Ticket, TicketEvent
from .services import open_ticket

log = logging.getLogger("aftersales.inbound_mail")

NUMBER_IN_SUBJECT = re.compile(r"\[(SR\d{8}-\d{4,})\]", re.IGNORECASE)
MAX_BODY = 10_000


@dataclass
class MailResult:
    outcome: str  # "ticket", "reply", "unknown_sender", "duplicate"
    ticket: Ticket | None = None


@dataclass
class FetchSummary:
    tickets: int = 0
    replies: int = 0
    unknown: int = 0
    failed: int = 0
    numbers: list[str] = field(default_factory=list)


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError):
        text = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.strip()[:MAX_BODY]


def _idempotency_key(message_id: str) -> str:
    key = f"mail:{message_id}"
    if len(key) > 100:
        key = "mail:" + hashlib.sha256(message_id.encode()).hexdigest()
    return key


@transaction.atomic
def process_message(raw: bytes) -> MailResult:
    """Turn one RFC 822 message into a ticket or a reply (or nothing, for a stranger)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    name, address = parseaddr(str(message.get("From", "")))
    address = address.strip().lower()
    subject = str(message.get("Subject", "")).strip()
    message_id = str(message.get("Message-ID", "")).strip() or (
        "<sha256:" + hashlib.sha256(raw).hexdigest() + ">")
    body = _text_of(message)
    now = timezone.now()

    match = NUMBER_IN_SUBJECT.search(subject)
    if match and address:
        ticket = (Ticket.objects.select_related("customer")
                  .filter(number=match.group(1).upper(),
                          customer__email__iexact=address).first())
        if ticket is not None:
            if TicketEvent.objects.filter(ticket=ticket, action="customer_reply",
                                          data__message_id=message_id).exists():
                return MailResult("duplicate", ticket)
            events.record(ticket=ticket, action="customer_reply", actor=None, at=now,
                          from_status=ticket.status, to_status=ticket.status,
                          data={"channel": "email", "from": address, "subject": subject[:200],
                                "body": body, "message_id": message_id})
            return MailResult("reply", ticket)

    customer = (Customer.objects.filter(email__iexact=address).order_by("pk").first()
                if address else None)
    if customer is None:
        return MailResult("unknown_sender")
    key = _idempotency_key(message_id)
    if Ticket.objects.filter(idempotency_key=key).exists():
        return MailResult("duplicate", Ticket.objects.get(idempotency_key=key))
    ticket = open_ticket(
        actor=None, customer=customer, channel=Ticket.Channel.EMAIL,
        kind=Ticket.Kind.CONSULTATION, priority=Ticket.Priority.NORMAL,
        mode=Ticket.Mode.REMOTE, summary=(subject or "(e-mail)")[:200], description=body,
        contact_name=(name or "")[:60], idempotency_key=key)
    return MailResult("ticket", ticket)


def _connect(*, host: str, port: int, use_ssl: bool, timeout: float) -> imaplib.IMAP4:
    if use_ssl:
        return imaplib.IMAP4_SSL(host, port, timeout=timeout)
    return imaplib.IMAP4(host, port, timeout=timeout)


def _fetch_raw(conn: imaplib.IMAP4, number: bytes) -> bytes | None:
    status, data = conn.fetch(number, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def fetch_mail(*, host: str, port: int, user: str, password: str, use_ssl: bool = True,
               mailbox: str = "INBOX", timeout: float = 30.0) -> FetchSummary:
    """Read every unread, unflagged message once; see the module docstring."""
    summary = FetchSummary()
    conn = _connect(host=host, port=port, use_ssl=use_ssl, timeout=timeout)
    try:
        conn.login(user, password)
        status, _count = conn.select(mailbox)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox}")
        status, found = conn.search(None, "UNSEEN", "UNFLAGGED")
        numbers = found[0].split() if status == "OK" and found and found[0] else []
        for number in numbers:
            raw = _fetch_raw(conn, number)
            if raw is None:
                summary.failed += 1
                continue
            try:
                result = process_message(raw)
            except DomainError as exc:  # e.g. a validation rule: leave it for a person
                log.warning("Mail %s not taken in: %s", number, exc.message)
                conn.store(number, "+FLAGS", "(\\Flagged)")
                summary.failed += 1
                continue
            except Exception:
                log.exception("Mail %s failed; it stays unread for the next run", number)
                summary.failed += 1
                continue
            if result.outcome == "unknown_sender":
                conn.store(number, "+FLAGS", "(\\Flagged)")
                summary.unknown += 1
                continue
            conn.store(number, "+FLAGS", "(\\Seen)")
            if result.outcome == "ticket":
                summary.tickets += 1
                summary.numbers.append(result.ticket.number)
            elif result.outcome == "reply":
                summary.replies += 1
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return summary
