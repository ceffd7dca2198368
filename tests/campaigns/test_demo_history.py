"""`aftersales demo` loads a year of history: tickets spread over twelve months with a
seasonal rhythm, sales records, a recall, leads; the reports have something to show."""
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aftersales.campaigns.models import Campaign, Lead
from aftersales.catalog.models import SalesRecord
from aftersales.demo.loader import load_demo
from aftersales.tickets.models import Ticket


def test_the_demo_has_a_year_behind_it(db):
    summary = load_demo(customers=30, devices=120)
    assert summary["history_tickets"] > 100
    months = (Ticket.objects.filter(summary__endswith="（历史记录）")
              .annotate(month=TruncMonth("created_at")).values("month")
              .annotate(n=Count("id")))
    assert len(months) >= 11
    oldest = Ticket.objects.order_by("created_at").first().created_at
    assert timezone.now() - oldest > timedelta(days=300)
    assert SalesRecord.objects.count() == summary["sales_records"] > 0
    assert Campaign.objects.filter(kind="recall").count() == 1
    assert Lead.objects.count() == summary["leads"] > 0
