from django.urls import path

from . import note_views, payment_views, views

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
    path("<int:ticket_id>/notes/", note_views.add_note, name="add_note"),
    path("<int:ticket_id>/attachments/", note_views.add_attachment, name="add_attachment"),
    path("<int:ticket_id>/attachments/<int:attachment_id>/", note_views.attachment_file,
         name="attachment"),
    path("<int:ticket_id>/payments/", payment_views.take_payment, name="take_payment"),
    path("<int:ticket_id>/payments/<int:entry_id>/receipt/", payment_views.receipt,
         name="receipt"),
    path("my-day/<int:ticket_id>/", views.phone_ticket, name="phone_ticket"),
    path("dispatch/move/", views.dispatch_move, name="dispatch_move"),
]
