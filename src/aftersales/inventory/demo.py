"""Demo stock for `aftersales demo`: a store at every service point, parts received at
HQ and at the points, reorder levels, and a few requisitions — all through the services,
so the ledger and the balances agree."""
import random

from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict
from aftersales.network.models import ServicePoint

from . import services
from .models import Warehouse


def load_inventory_demo(*, actor, seed: int = 20261123) -> dict:
    rng = random.Random(seed)
    parts = list(Part.objects.order_by("sku"))
    stores = {}
    for point in ServicePoint.objects.order_by("code"):
        code = f"{point.code}-01"
        stores[point.pk] = (Warehouse.objects.filter(code=code).first()
                            or services.create_warehouse(actor=actor, code=code,
                                                         name=f"{point.name}仓库",
                                                         service_point=point))
    hq = services.hq_warehouse()
    moves = 0
    for store in stores.values():
        at_hq = hq is not None and store.pk == hq.pk
        for part in parts:
            qty = rng.randint(80, 200) if at_hq else rng.randint(0, 12)
            if qty:
                services.receive_stock(actor=actor, warehouse=store, part=part, qty=qty,
                                       reference="demo")
                moves += 1
            services.set_reorder_levels(actor=actor, warehouse=store, part=part,
                                        reorder_point=40 if at_hq else 3,
                                        reorder_qty=100 if at_hq else 10)
    requisitions = 0
    if hq is not None and parts:
        for store in stores.values():
            if store.pk == hq.pk:
                continue
            try:
                services.create_requisition(
                    actor=actor, from_warehouse=hq, to_warehouse=store,
                    lines=[{"part": p, "qty": rng.randint(1, 5)}
                           for p in rng.sample(parts, min(2, len(parts)))])
                requisitions += 1
            except Conflict:  # the point's credit is used up: skip it
                continue
    return {"warehouses": len(stores), "receipts": moves, "requisitions": requisitions}
