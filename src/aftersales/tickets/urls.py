from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("export.xlsx", views.ticket_export, name="export"),
    path("new/<int:customer_id>/", views.new_ticket, name="new"),
    path("<int:ticket_id>/", views.detail, name="detail"),
    path("<int:ticket_id>/opened/", views.opened, name="opened"),
    path("<int:ticket_id>/actions/<str:action>/", views.act, name="act"),
    path("<int:ticket_id>/service-form.pdf", views.service_form_pdf, name="service_form_pdf"),
    path("<int:ticket_id>/quote.pdf", views.quote_pdf, name="quote_pdf"),
    path("<int:ticket_id>/label.pdf", views.label_pdf, name="label_pdf"),
    path("my-day/<int:ticket_id>/", views.phone_ticket, name="phone_ticket"),
]
