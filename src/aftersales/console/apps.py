from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """Screens that compose several domains (as the admin composes models): the hotline box,
    the customer's archive, a new customer, the dispatch board and the engineer's day. It sits
    above every domain app and nothing imports it."""

    name = "aftersales.console"
    label = "console"
    verbose_name = _("Staff console")
