from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.finance, name="finance"),
    path("payments/", views.payment, name="payment"),
    path("cash/handovers/", views.handover, name="handover"),
]
