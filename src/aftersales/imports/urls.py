from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.page, name="page"),
    path("upload/", views.upload, name="upload"),
    path("<int:job_id>/", views.job, name="job"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
]
