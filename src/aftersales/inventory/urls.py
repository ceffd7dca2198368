from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("stock.xlsx", views.stock_export, name="stock_export"),
    path("requisitions/<int:requisition_id>/<str:action>/", views.requisition_action,
         name="requisition_action"),
]
