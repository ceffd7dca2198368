"""API.md "Additions": `/leads` (the sales loop) and `/campaigns` (recalls, notices,
preventive rounds), plus preventive visits, account owners and survey answers."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Path as NinjaPath
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.contracts.selectors import access_contract
from aftersales.core.api import ERRORS, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.customers import services as customer_services
from aftersales.customers.selectors import access_customer
from aftersales.network.models import User

from . import selectors
from .services import campaigns as campaign_services
from .services import leads as lead_services

router = Router(tags=["follow-up"])


class LeadOut(Schema):
    id: int
    kind: Literal["renewal", "expired_warranty"]
    status: Literal["open", "won", "lost"]
    customer: int = Field(alias="customer_id")
    customer_name: str = Field(alias="customer.name")
    device: str | None = Field(None, description="serial of the unit, when about one unit")
    contract: str | None = Field(None, description="number of the ending contract")
    ticket: str | None = Field(None, description="the request on an expired warranty")
    due_on: date = Field(description="the day the warranty or contract ends")
    owner: int | None = Field(None, alias="owner_id", description="account owner (sales)")
    won_contract: str | None = Field(None, description="the contract signed (won)")
    lost_reason: str = ""
    created_at: datetime

    @staticmethod
    def resolve_device(obj):
        return obj.device.serial if obj.device_id else None

    @staticmethod
    def resolve_contract(obj):
        return obj.contract.number if obj.contract_id else None

    @staticmethod
    def resolve_ticket(obj):
        return obj.ticket.number if obj.ticket_id else None

    @staticmethod
    def resolve_won_contract(obj):
        return obj.won_contract.number if obj.won_contract_id else None


class LeadList(Schema):
    items: list[LeadOut]
    next: str | None


class WonIn(Schema):
    contract: int = Field(description="id of the contract the customer signed")


class LostIn(Schema):
    reason: str = Field(description="why the customer did not renew")


@router.get("/leads", response={200: LeadList, **ERRORS})
def list_leads(request, status: Literal["open", "won", "lost"] | None = None,
               kind: Literal["renewal", "expired_warranty"] | None = None,
               mine: bool = False, page: int = 1, page_size: int = 50):
    """Renewal and expired-warranty leads for sales (created by the sweeps, once)."""
    qs = selectors.lead_list(actor=request.auth, status=status, kind=kind, mine=mine)
    return paginate(request, qs, page=page, page_size=page_size)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request, lead_id: int):
    return selectors.access_lead(actor=request.auth, lead_id=lead_id)


@router.post("/leads/{lead_id}/won", response={200: LeadOut, **ERRORS})
def win_lead(request, lead_id: int, payload: WonIn):
    lead = selectors.access_lead(actor=request.auth, lead_id=lead_id)
    try:
        contract = access_contract(actor=request.auth, contract_id=payload.contract)
    except NotFound:
        raise ValidationFailed(_("Unknown contract."), field="contract") from None
    lead_services.win_lead(actor=request.auth, lead=lead, contract=contract)
    return selectors.access_lead(actor=request.auth, lead_id=lead_id)


@router.post("/leads/{lead_id}/lost", response={200: LeadOut, **ERRORS})
def lose_lead(request, lead_id: int, payload: LostIn):
    lead = selectors.access_lead(actor=request.auth, lead_id=lead_id)
    lead_services.lose_lead(actor=request.auth, lead=lead, reason=payload.reason)
    return selectors.access_lead(actor=request.auth, lead_id=lead_id)


class OwnerIn(Schema):
    owner: int | None = Field(description="id of a sales staff member; null clears it")


class OwnerOut(Schema):
    customer: int
    owner: int | None


@router.put("/customers/{customer_id}/account-owner", response={200: OwnerOut, **ERRORS})
def set_account_owner(request, customer_id: int, payload: OwnerIn):
    """The customer's account owner in sales (told when the customer calls)."""
    customer = access_customer(actor=request.auth, customer_id=customer_id)
    owner = None
    if payload.owner is not None:
        owner = User.objects.filter(pk=payload.owner).first()
        if owner is None:
            raise ValidationFailed(_("Unknown staff member."), field="owner")
    changed = customer_services.set_account_owner(actor=request.auth, customer=customer,
                                                  owner=owner)
    return {"customer": changed.pk, "owner": changed.account_owner_id}


class CampaignIn(Schema):
    kind: Literal["recall", "notice", "preventive"]
    model: str = Field(description="model code")
    serial_from: str | None = Field(None, description="first serial of the range (text order)")
    serial_to: str | None = Field(None, description="last serial of the range, inclusive")
    serials: list[str] | None = Field(None, description="or a list of serials")
    title: str
    body: str


class CampaignOut(Schema):
    id: int
    number: str
    kind: str
    model: str = Field(alias="model.code")
    title: str
    body: str
    serial_from: str
    serial_to: str
    units: int = Field(alias="unit_count", description="units of the model in the selection")
    reached: int = Field(alias="reached_count", description="owners told")
    done: int = Field(alias="done_count", description="ticket resolved / upgrade applied")
    refused: int = Field(alias="refused_count", description="owner refused")
    created_at: datetime


class CampaignList(Schema):
    items: list[CampaignOut]
    next: str | None


class UnitOut(Schema):
    id: int
    serial: str = Field(alias="device.serial")
    customer: int = Field(alias="device.customer_id")
    ticket: str | None = None
    status: Literal["pending", "reached", "done", "refused"]
    refused_reason: str

    @staticmethod
    def resolve_ticket(obj):
        return obj.ticket.number if obj.ticket_id else None


class UnitList(Schema):
    items: list[UnitOut]
    next: str | None


class RefuseIn(Schema):
    reason: str


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request, payload: CampaignIn):
    """A recall opens one ticket per unit still with an owner; every owner is told."""
    model = selectors.model_by_code(payload.model)
    campaign = campaign_services.create_campaign(
        actor=request.auth, kind=payload.kind, model=model, title=payload.title,
        body=payload.body, serial_from=payload.serial_from or "",
        serial_to=payload.serial_to or "", serials=payload.serials)
    return Status(201, selectors.access_campaign(actor=request.auth, campaign_id=campaign.pk))


@router.get("/campaigns", response={200: CampaignList, **ERRORS})
def list_campaigns(request, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.campaign_list(actor=request.auth), page=page,
                    page_size=page_size)


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request, campaign_id: int):
    return selectors.access_campaign(actor=request.auth, campaign_id=campaign_id)


@router.get("/campaigns/{campaign_id}/units", response={200: UnitList, **ERRORS})
def list_campaign_units(request, campaign_id: int, page: int = 1, page_size: int = 50):
    campaign = selectors.access_campaign(actor=request.auth, campaign_id=campaign_id)
    return paginate(request, selectors.campaign_units(actor=request.auth, campaign=campaign),
                    page=page, page_size=page_size)


@router.post("/campaigns/{campaign_id}/units/{unit_id}/refuse",
             response={200: UnitOut, **ERRORS})
def refuse_unit(request, campaign_id: int, unit_id: int, payload: RefuseIn):
    unit = selectors.access_campaign_unit(actor=request.auth, campaign_id=campaign_id,
                                          unit_id=unit_id)
    return campaign_services.refuse_campaign_unit(actor=request.auth, unit=unit,
                                                  reason=payload.reason)


@router.post("/campaigns/{campaign_id}/units/{unit_id}/done",
             response={200: UnitOut, **ERRORS})
def complete_unit(request, campaign_id: int, unit_id: int):
    unit = selectors.access_campaign_unit(actor=request.auth, campaign_id=campaign_id,
                                          unit_id=unit_id)
    return campaign_services.complete_campaign_unit(actor=request.auth, unit=unit)


class MaintenanceVisitOut(Schema):
    id: int
    contract: str = Field(alias="contract.number")
    device: str | None = None
    quarter: str
    due_on: date
    free: bool
    health_check: bool
    ticket: str = Field(alias="ticket.number")
    status: Literal["planned", "done", "missed"]

    @staticmethod
    def resolve_device(obj):
        return obj.device.serial if obj.device_id else None


class VisitList(Schema):
    items: list[MaintenanceVisitOut]
    next: str | None


@router.get("/preventive-visits", response={200: VisitList, **ERRORS})
def list_preventive_visits(request, quarter: str | None = None, page: int = 1,
                           page_size: int = 50):
    """Quarterly preventive visits (quarter as 2026Q4), counted planned / done / missed."""
    return paginate(request, selectors.preventive_visit_list(actor=request.auth,
                                                             quarter=quarter),
                    page=page, page_size=page_size)


class SurveyAnswerOut(Schema):
    year: int = Field(alias="survey.year")
    score: int = Field(description="satisfaction 1–5")
    comment: str
    answered_at: datetime


@router.get("/customers/{customer_id}/survey-answers",
            response={200: list[SurveyAnswerOut], **ERRORS})
def list_survey_answers(request, customer_id: int):
    """The customer's answers to the yearly satisfaction survey (their record)."""
    customer = access_customer(actor=request.auth, customer_id=customer_id)
    return list(selectors.survey_answers(actor=request.auth, customer_id=customer.pk))


class ScoreCount(Schema):
    score: int
    answers: int


class SurveySummary(Schema):
    year: int
    invited: int = Field(description="active customers sent the survey link")
    answered: int
    average: Decimal | None = Field(description="mean score 1–5, two places")
    scores: list[ScoreCount]


@router.get("/surveys/{year}", response={200: SurveySummary, **ERRORS})
def get_survey(request, year: int = NinjaPath(..., ge=2000, le=2200)):
    """The yearly satisfaction survey's result (the actor's service point)."""
    return selectors.survey_summary(actor=request.auth, year=year)
