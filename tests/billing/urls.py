"""The REST API and the admin only: the billing tests do not depend on the web pages others
build at the same time."""
from django.contrib import admin
from django.urls import path

from aftersales.api import api

urlpatterns = [path("api/v1/", api.urls), path("admin/", admin.site.urls)]
