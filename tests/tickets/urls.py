"""Only the REST API: the ticket tests do not depend on the web pages others build."""
from django.urls import path

from aftersales.api import api

urlpatterns = [path("api/v1/", api.urls)]
