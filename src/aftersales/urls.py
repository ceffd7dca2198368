from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("aftersales.portal.urls")),
    path("", include("aftersales.console.urls")),
    path("tickets/", include("aftersales.tickets.urls")),
    path("warehouse/", include("aftersales.inventory.urls")),
    path("finance/", include("aftersales.billing.urls")),
    path("telephony/", include("aftersales.telephony.urls")),
    path("", include("aftersales.core.urls")),
]
