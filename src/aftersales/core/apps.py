from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    """set_password() then save(): every API token of the user stops working."""
    if not created and getattr(instance, "_password", None) is not None:
        from .api import revoke_tokens_of  # core's own module, loaded after the app registry

        revoke_tokens_of(instance)


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import search  # noqa: F401  (registers the text_contains lookup)

        post_save.connect(_revoke_tokens_on_password_change, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="core.revoke_tokens_on_password_change")
