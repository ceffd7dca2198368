from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.leads, name="leads"),
    path("leads/<int:lead_id>/close/", views.close_lead, name="close_lead"),
]
