"""The console's screens keep the addresses they had when they lived in the domain apps."""
from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("customers/hotline/", views.hotline, name="hotline"),
    path("customers/new/", views.new_customer, name="new_customer"),
    path("customers/<int:customer_id>/", views.archive, name="archive"),
    path("customers/<int:customer_id>/verify-phone/", views.verify_phone, name="verify_phone"),
    path("tickets/dispatch/", views.dispatch_board, name="dispatch"),
    path("tickets/my-day/", views.my_day, name="my_day"),
    path("network/directory/", views.network_directory, name="directory"),
]
