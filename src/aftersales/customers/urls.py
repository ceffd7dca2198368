from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("hotline/", views.hotline, name="hotline"),
    path("new/", views.new_customer, name="new"),
    path("<int:customer_id>/", views.archive, name="archive"),
]
