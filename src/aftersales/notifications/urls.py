from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.alert_page, name="alerts"),
    path("export.xlsx", views.alert_export, name="export"),
    path("<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("dispatch-approvals/<int:approval_id>/approve/", views.decide_dispatch,
         {"decision": "approve"}, name="approve_dispatch"),
    path("dispatch-approvals/<int:approval_id>/reject/", views.decide_dispatch,
         {"decision": "reject"}, name="reject_dispatch"),
    path("callbacks/<int:follow_up_id>/", views.record_callback, name="callback"),
]
