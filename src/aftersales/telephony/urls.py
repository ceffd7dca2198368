from django.urls import path

from . import views

app_name = "telephony"
urlpatterns = [path("pop/", views.pop, name="pop")]
