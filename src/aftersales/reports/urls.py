from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_page, name="page"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<slug:name>.xlsx", views.report_excel, name="excel"),
]
