"""The inventory part of the demo data: stores everywhere, a ledger that agrees."""
from django.db.models import Sum

from aftersales.inventory.demo import load_inventory_demo
from aftersales.inventory.models import StockLevel, StockMove, Warehouse


def test_demo_stock_keeps_the_ledger_and_balances_equal(admin_user, hq, branch, part_factory):
    # given
    part_factory(sku="SCR-X9", cost="100.00")
    part_factory(sku="BAT-1", cost="20.00")
    # when
    summary = load_inventory_demo(actor=admin_user)
    # then
    assert summary["warehouses"] == 2
    assert set(Warehouse.objects.values_list("code", flat=True)) == {"HQ-01", "SJZ-01"}
    for level in StockLevel.objects.all():
        ledger = StockMove.objects.filter(warehouse=level.warehouse, part=level.part
                                          ).aggregate(s=Sum("qty"))["s"] or 0
        assert ledger == level.on_hand
    assert summary["requisitions"] == 1
