"""Celery tasks of the outbox: they take ids and call services; safe to retry."""
from celery import shared_task

from . import expiry, services, webhooks


@shared_task(name="aftersales.notifications.tasks.send_outbox_task")
def send_outbox_task(outbox_id: int) -> str | None:
    row = services.send_outbox(outbox_id=outbox_id)
    return row.status if row is not None else None


@shared_task(name="aftersales.notifications.tasks.deliver_webhook_task")
def deliver_webhook_task(delivery_id: int) -> str | None:
    row = webhooks.deliver(delivery_id=delivery_id)
    return row.status if row is not None else None


@shared_task(name="aftersales.notifications.tasks.send_expiry_reminders_task")
def send_expiry_reminders_task() -> dict[str, int]:
    """Agreements and certificates about to end: reminded once each (beat, hourly)."""
    return {"expiry_reminders": expiry.send_expiry_reminders()}
