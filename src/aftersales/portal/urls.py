from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("track/", views.track, name="track"),
    path("t/<str:secret>", views.track_secret, name="track_secret"),
    path("t/<str:secret>/", views.track_secret),
    path("t/<str:secret>/decide", views.decide, name="decide"),
    path("t/<str:secret>/pay", views.pay, name="pay"),
    path("t/<str:secret>/complaint", views.complain, name="complain"),
    path("t/<str:secret>/rate", views.rate_secret, name="rate_secret"),
    path("warranty/", views.warranty, name="warranty"),
    path("book/", views.book, name="book"),
    path("book/slots", views.book_slots, name="book_slots"),
    path("service-info/", views.service_info, name="service_info"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("mine/", views.mine, name="mine"),
    path("rate/", views.rate, name="rate"),
    path("survey/", views.survey, name="survey"),
]
