"""The expiry reminders are scheduled with the other sweeps (Celery beat and `aftersales
sweep`) and tell the point's managers and the region's regional managers once per item."""
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.management import call_command

from aftersales.celery import app
from aftersales.network import services
from aftersales.network.models import ExpiryReminder, Region
from aftersales.notifications.models import Outbox
from aftersales.notifications.tasks import send_expiry_reminders_task
from tests.factories import ServicePointFactory, UserFactory


def test_the_reminders_are_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["network"]
    assert entry["task"] == "aftersales.notifications.tasks.send_expiry_reminders_task"
    assert entry["task"] in app.tasks


def test_the_sweep_command_reminds_each_item_once(site, frozen):
    region = Region.objects.create(code="HB", name="华北")
    site["point"].region = region
    site["point"].save()
    site["boss"].email = "boss@example.invalid"
    site["boss"].save()
    site["head"].phone = "13800000001"
    site["head"].save()
    UserFactory(username="net_rm", role="regional_manager", region=region,
                        email="rm@example.invalid")
    UserFactory(username="net_other_rm", role="regional_manager",
                region=Region.objects.create(code="HD", name="华东"),
                email="other@example.invalid")
    UserFactory(username="net_hq", role="manager", email="hq@example.invalid")
    agreement = services.record_agreement(actor=site["root"], service_point=site["point"],
                                          starts_on=date(2026, 1, 1),
                                          ends_on=date(2026, 12, 20), tier="gold")
    cert = services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                       valid_until=date(2026, 12, 1))
    loose = UserFactory(username="net_loose", role="engineer")  # no point: HQ is told
    loose_cert = services.record_certificate(actor=site["root"], user=loose, category="手机",
                                             valid_until=date(2026, 12, 2))
    services.record_certificate(actor=site["root"], user=site["rookie"], category="手机",
                                valid_until=date(2027, 6, 1))  # far off
    far = ServicePointFactory(code="FAR", name="远站")
    services.record_agreement(actor=site["root"], service_point=far,
                              starts_on=date(2026, 1, 1), ends_on=date(2027, 6, 30),
                              tier="gold")

    call_command("sweep")
    reminders = {(r.subject, r.object_id) for r in ExpiryReminder.objects.all()}
    assert reminders == {("agreement", agreement.pk), ("certificate", cert.pk),
                         ("certificate", loose_cert.pk)}
    sent = sorted((r.kind, r.channel, r.recipient, r.body) for r in Outbox.objects.filter(
        kind="expiry_reminder"))
    point_people = [("email", "boss@example.invalid"), ("sms", "13800000001"),
                    ("email", "rm@example.invalid")]  # not the other region's manager
    expected = []
    for subject, pk, people in (("agreement", agreement.pk, point_people),
                                ("certificate", cert.pk, point_people),
                                ("certificate", loose_cert.pk, [("email", "hq@example.invalid")])):
        body = ExpiryReminder.objects.get(subject=subject, object_id=pk).message
        expected += [("expiry_reminder", channel, to, body) for channel, to in people]
    assert sent == sorted(expected)
    assert ExpiryReminder.objects.get(subject="agreement").message == (
        "石家庄站 的合作协议将于 2026-12-20 到期。")

    # again (the command, the beat task, a later day): nothing new
    call_command("sweep")
    assert send_expiry_reminders_task() == {"expiry_reminders": 0}
    frozen.move_to(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    call_command("sweep")
    assert ExpiryReminder.objects.count() == 3
    assert Outbox.objects.filter(kind="expiry_reminder").count() == 7
