from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import webhooks
        from .models import WebhookEndpoint

        for signal in (post_save, post_delete):
            signal.connect(webhooks.forget_subscriptions, sender=WebhookEndpoint,
                           dispatch_uid=f"webhook-subscriptions-{signal is post_save}")
