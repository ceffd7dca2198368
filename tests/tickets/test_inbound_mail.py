"""Inbound e-mail: `aftersales fetch_mail` reads the service mailbox over IMAP (here a
local fake server) and turns mails into tickets or replies on tickets."""
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from aftersales.notifications.models import Outbox
from aftersales.tickets import inbound_mail
from aftersales.tickets import services as tickets
from aftersales.tickets.models import Ticket, TicketEvent
from tests.factories import CustomerFactory

from .fake_imap import FakeImapServer, Mailbox


@pytest.fixture
def mailbox():
    return Mailbox(user="service@example.cn", password="s3cret")


@pytest.fixture
def imap(mailbox, settings):
    with FakeImapServer(mailbox) as server:
        settings.IMAP_HOST, settings.IMAP_PORT = "127.0.0.1", server.port
        settings.IMAP_USER, settings.IMAP_PASSWORD = "service@example.cn", "s3cret"
        settings.IMAP_SSL, settings.IMAP_MAILBOX = False, "INBOX"
        yield server


@pytest.fixture
def customer(db):
    return CustomerFactory(name="华北电力", phone="13800000001", email="it@hbdl.example.cn")


def mail(*, sender="王工 <it@hbdl.example.cn>", subject="打印机卡纸", body="二楼打印机一直卡纸",
         message_id="<m1@hbdl.example.cn>", charset="utf-8"):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@example.cn"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body, charset=charset)
    return message.as_bytes()


def fetch(capsys=None):
    call_command("fetch_mail")
    return capsys.readouterr().out if capsys else None


def test_a_mail_from_a_known_customer_becomes_an_email_ticket(imap, mailbox, customer, capsys):
    # given
    mailbox.deliver(mail())
    # when
    out = fetch(capsys)
    # then
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.kind, ticket.mode, ticket.customer_id) == (
        "email", "consultation", "remote", customer.pk)
    assert (ticket.summary, ticket.description, ticket.contact_name) == (
        "打印机卡纸", "二楼打印机一直卡纸", "王工")
    assert ticket.idempotency_key == "mail:<m1@hbdl.example.cn>"
    assert ticket.created_by is None
    assert mailbox.flags(1) == {"\\Seen"}
    assert "tickets: 1 replies: 0 unknown senders: 0 failed: 0" in out
    assert f"opened {ticket.number}" in out
    # and the customer is told an engineer will call, with the secret link
    told = Outbox.objects.get(ticket=ticket, channel="email")
    assert told.recipient == "it@hbdl.example.cn"
    assert ticket.tracking_secret in told.body


def test_the_fetch_peeks_so_a_failed_mail_stays_unread(imap, mailbox, customer, monkeypatch):
    # given: processing fails once (e.g. the database is away)
    mailbox.deliver(mail())
    real = inbound_mail.process_message

    def broken(raw):
        raise RuntimeError("database away")

    monkeypatch.setattr(inbound_mail, "process_message", broken)
    # when
    fetch()
    # then: not marked read, nothing created
    assert mailbox.flags(1) == set()
    assert not Ticket.objects.exists()
    assert any("BODY.PEEK[]" in c for c in mailbox.commands)
    # and the next run takes it in
    monkeypatch.setattr(inbound_mail, "process_message", real)
    fetch()
    assert Ticket.objects.count() == 1
    assert mailbox.flags(1) == {"\\Seen"}


def test_the_same_message_id_twice_opens_one_ticket(imap, mailbox, customer):
    mailbox.deliver(mail())
    mailbox.deliver(mail())  # redelivered by the mail system
    fetch()
    fetch()
    assert Ticket.objects.count() == 1
    assert (mailbox.flags(1), mailbox.flags(2)) == ({"\\Seen"}, {"\\Seen"})


def test_a_reply_with_the_ticket_number_is_appended_to_the_ticket(imap, mailbox, customer):
    # given
    ticket = tickets.open_ticket(actor=None, customer=customer, channel="phone",
                                 kind="repair", priority="normal", mode="onsite",
                                 summary="打印机卡纸")
    mailbox.deliver(mail(subject=f"回复: [{ticket.number}] 打印机卡纸",
                         body="今天下午有人在", message_id="<r1@hbdl.example.cn>"))
    # when
    fetch()
    fetch()
    # then
    assert Ticket.objects.count() == 1
    reply = TicketEvent.objects.get(ticket=ticket, action="customer_reply")
    assert (reply.actor, reply.from_status, reply.to_status) == (None, "new", "new")
    assert reply.data == {"channel": "email", "from": "it@hbdl.example.cn",
                          "subject": f"回复: [{ticket.number}] 打印机卡纸",
                          "body": "今天下午有人在", "message_id": "<r1@hbdl.example.cn>"}


def test_a_reply_to_someone_elses_ticket_is_not_appended(imap, mailbox, customer):
    # given: another known customer quotes our customer's ticket number
    ticket = tickets.open_ticket(actor=None, customer=customer, channel="phone",
                                 kind="repair", priority="normal", mode="onsite",
                                 summary="打印机卡纸")
    other = CustomerFactory(email="boss@other.example.cn")
    mailbox.deliver(mail(sender="boss@other.example.cn", subject=f"[{ticket.number}] 我的也坏了",
                         message_id="<x@other>"))
    # when
    fetch()
    # then: it becomes the other customer's own ticket
    assert not TicketEvent.objects.filter(action="customer_reply").exists()
    assert Ticket.objects.filter(customer=other).count() == 1


def test_an_unknown_sender_is_flagged_for_a_person_and_not_read_again(imap, mailbox,
                                                                      customer, capsys):
    mailbox.deliver(mail(sender="stranger@example.com", message_id="<s@x>"))
    out = fetch(capsys)
    fetch()
    assert "unknown senders: 1" in out
    assert mailbox.flags(1) == {"\\Flagged"}
    assert not Ticket.objects.exists()
    assert sum(c.endswith("+FLAGS (\\Flagged)") for c in mailbox.commands) == 1


def test_encoded_chinese_subjects_and_gbk_bodies_are_decoded(imap, mailbox, customer):
    mailbox.deliver(mail(subject="显示器 黑屏 无法开机", body="型号 K2，昨天开始黑屏", charset="gbk",
                         message_id="<gbk@x>"))
    fetch()
    ticket = Ticket.objects.get()
    assert (ticket.summary, ticket.description) == ("显示器 黑屏 无法开机", "型号 K2，昨天开始黑屏")


def test_wrong_credentials_are_a_clear_command_error(imap, mailbox, settings):
    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="Mailbox"):
        fetch()


def test_without_a_mailbox_configured_the_command_says_so(settings, db):
    settings.IMAP_HOST = ""
    with pytest.raises(CommandError, match="AFTERSALES_IMAP_HOST"):
        fetch()


def test_the_scheduled_task_reads_the_mailbox_in_embedded_mode(imap, mailbox, customer):
    from aftersales.tickets.tasks import fetch_mail_task

    mailbox.deliver(mail())
    assert fetch_mail_task.delay().get() == {"tickets": 1, "replies": 0, "unknown": 0,
                                             "failed": 0}
    assert Ticket.objects.count() == 1


def test_the_embedded_scheduler_reads_mail_once_per_interval(imap, mailbox, customer):
    from aftersales.tickets.sweeps import EmbeddedScheduler

    scheduler = EmbeddedScheduler(interval=60, mail_interval=600)
    mailbox.deliver(mail())
    scheduler.fetch_mail_when_due()
    mailbox.deliver(mail(message_id="<m2@hbdl.example.cn>"))
    scheduler.fetch_mail_when_due()  # not due again yet
    assert Ticket.objects.count() == 1


def test_without_a_mailbox_the_task_does_nothing(settings, db):
    from aftersales.tickets.tasks import fetch_mail_task

    settings.IMAP_HOST = ""
    assert fetch_mail_task.delay().get() == {}
