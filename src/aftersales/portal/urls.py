from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("track/", views.track, name="track"),
    path("t/<str:secret>", views.track_secret, name="track_secret"),
    path("t/<str:secret>/", views.track_secret),
    path("warranty/", views.warranty, name="warranty"),
    path("book/", views.book, name="book"),
    path("rate/", views.rate, name="rate"),
]
