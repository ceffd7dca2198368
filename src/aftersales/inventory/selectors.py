from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from aftersales.core.money import to_money

from .models import StockLevel


def stock_value_of_point(*, service_point_id: int) -> Decimal:
    """On hand plus in transit to the point's warehouses, at the parts' cost."""
    value = StockLevel.objects.filter(warehouse__service_point_id=service_point_id).aggregate(
        v=Sum(ExpressionWrapper((F("on_hand") + F("in_transit")) * F("part__cost"),
                                output_field=DecimalField(max_digits=16, decimal_places=2))))
    return to_money(value["v"] or 0)
