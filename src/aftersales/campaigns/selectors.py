"""Reads of the campaigns app, scoped by the actor's service point (core/scoping.py)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.scoping import get_scoped, require_role, scope
from aftersales.network.models import User

from .models import Campaign, CampaignUnit, Lead, PreventiveVisit, SurveyInvitation
from .services.campaigns import CAMPAIGNERS, UNIT_WORKERS
from .services.leads import LEAD_WORKERS

CAMPAIGN_READERS = CAMPAIGNERS + (User.Role.AGENT, User.Role.RND, User.Role.PRODUCTION)


def lead_list(*, actor: User, status: str | None = None, kind: str | None = None,
              mine: bool = False) -> QuerySet[Lead]:
    require_role(actor, *LEAD_WORKERS)
    if status and status not in Lead.Status.values:
        raise ValidationFailed(_("Unknown lead status."), field="status")
    if kind and kind not in Lead.Kind.values:
        raise ValidationFailed(_("Unknown lead kind."), field="kind")
    qs = scope(Lead.objects.select_related("customer", "device", "contract", "ticket",
                                           "owner", "won_contract"),
               actor=actor, path="customer__service_point")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(owner=actor)
    return qs.order_by("due_on", "id")


def access_lead(*, actor: User, lead_id: int) -> Lead:
    require_role(actor, *LEAD_WORKERS)
    return get_scoped(Lead.objects.select_related("customer", "device", "contract", "ticket",
                                                  "owner", "won_contract"),
                      actor=actor, path="customer__service_point", pk=lead_id,
                      message=_("Lead not found."))


def model_by_code(code: str) -> ProductModel:
    model = ProductModel.objects.filter(code=(code or "").strip()).first()
    if model is None:
        raise ValidationFailed(_("Unknown model."), field="model")
    return model


def campaign_list(*, actor: User) -> QuerySet[Campaign]:
    require_role(actor, *CAMPAIGN_READERS)
    return Campaign.objects.select_related("model").annotate(**_progress()).order_by("-id")


def _progress() -> dict:
    S = CampaignUnit.Status
    return {"unit_count": Count("units", distinct=True),
            "reached_count": Count("units", filter=Q(units__reached_at__isnull=False),
                                   distinct=True),
            "done_count": Count("units", filter=Q(units__status=S.DONE), distinct=True),
            "refused_count": Count("units", filter=Q(units__status=S.REFUSED),
                                   distinct=True)}


def access_campaign(*, actor: User, campaign_id: int) -> Campaign:
    """A campaign with its progress counts (one query). Campaigns are network-wide."""
    require_role(actor, *CAMPAIGN_READERS)
    campaign = campaign_list(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."))
    return campaign


def campaign_units(*, actor: User, campaign: Campaign) -> QuerySet[CampaignUnit]:
    """The campaign's units the actor may see (their service point's customers)."""
    require_role(actor, *CAMPAIGN_READERS)
    return scope(CampaignUnit.objects.select_related("device", "device__customer", "ticket"),
                 actor=actor, path="device__customer__service_point").filter(
        campaign=campaign).order_by("device__serial")


def access_campaign_unit(*, actor: User, campaign_id: int, unit_id: int) -> CampaignUnit:
    require_role(actor, *UNIT_WORKERS)
    return get_scoped(CampaignUnit.objects.select_related("device"), actor=actor,
                      path="device__customer__service_point", pk=unit_id,
                      campaign_id=campaign_id, message=_("Unit not found."))


def preventive_visit_list(*, actor: User, quarter: str | None = None
                          ) -> QuerySet[PreventiveVisit]:
    require_role(actor, *CAMPAIGNERS, User.Role.AGENT, User.Role.SALES)
    qs = scope(PreventiveVisit.objects.select_related("contract", "device", "ticket",
                                                      "contract__customer"),
               actor=actor, path="contract__customer__service_point")
    if quarter:
        qs = qs.filter(quarter=quarter)
    return qs.order_by("-due_on", "id")


def survey_answers(*, actor: User, customer_id: int) -> QuerySet[SurveyInvitation]:
    """The customer's survey answers (their record)."""
    require_role(actor, *CAMPAIGNERS, User.Role.AGENT, User.Role.SALES)
    return scope(SurveyInvitation.objects.select_related("survey"), actor=actor,
                 path="customer__service_point").filter(
        customer_id=customer_id, answered_at__isnull=False).order_by("-survey__year")


def survey_summary(*, actor: User, year: int) -> dict:
    """The year's survey: invited, answered, the average and the count per score (1–5)."""
    require_role(actor, *CAMPAIGNERS, User.Role.FINANCE, User.Role.SALES)
    qs = scope(SurveyInvitation.objects.filter(survey__year=year), actor=actor,
               path="customer__service_point")
    totals = qs.aggregate(invited=Count("id"),
                          answered=Count("id", filter=Q(answered_at__isnull=False)),
                          average=Avg("score"))
    per_score = dict(qs.filter(score__isnull=False).values_list("score")
                     .annotate(n=Count("id")).order_by())
    average = totals["average"]
    return {"year": year, "invited": totals["invited"], "answered": totals["answered"],
            "average": None if average is None else Decimal(str(average)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP),
            "scores": [{"score": s, "answers": per_score.get(s, 0)} for s in range(5, 0, -1)]}
