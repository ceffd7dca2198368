"""Console pages of the follow-up: the sales leads (won / lost), the campaigns with their
progress, and the public page where a customer answers the yearly survey."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.contracts.models import Contract
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.views import errors_of, staff_view

from . import selectors
from .models import SurveyInvitation
from .services import leads as lead_services
from .services import surveys as survey_services


@staff_view
def leads(request):
    status = request.GET.get("status") or "open"
    rows = list(selectors.lead_list(actor=request.user, status=status,
                                    mine=request.GET.get("mine") == "1")[:200])
    contracts = {}
    for contract in Contract.objects.filter(
            customer_id__in={lead.customer_id for lead in rows},
            status__in=(Contract.Status.SIGNED, Contract.Status.ACTIVE)).order_by("-starts_on"):
        contracts.setdefault(contract.customer_id, []).append(contract)
    for lead in rows:
        lead.contract_choices = contracts.get(lead.customer_id, [])
    campaigns = list(selectors.campaign_list(actor=request.user)[:20]) \
        if request.user.is_superuser or request.user.role in selectors.CAMPAIGN_READERS else []
    return render(request, "campaigns/leads.html", {
        "leads": rows, "status": status, "statuses": selectors.Lead.Status.choices,
        "campaigns": campaigns})


@staff_view
@require_POST
def close_lead(request, lead_id: int):
    lead = selectors.access_lead(actor=request.user, lead_id=lead_id)
    try:
        if request.POST.get("outcome") == "won":
            contract = Contract.objects.filter(pk=request.POST.get("contract") or 0,
                                               customer_id=lead.customer_id).first()
            if contract is None:
                raise NotFound(_("Unknown contract."))
            lead_services.win_lead(actor=request.user, lead=lead, contract=contract)
        else:
            lead_services.lose_lead(actor=request.user, lead=lead,
                                    reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:leads")


def survey(request, secret: str):
    """Public: the survey link sent to the customer (no login)."""
    invitation = SurveyInvitation.objects.select_related("survey", "customer").filter(
        secret=secret).first()
    if invitation is None:
        return render(request, "campaigns/survey.html", {"missing": True}, status=404)
    errors, values = {}, {}
    if request.method == "POST":
        values = {"score": request.POST.get("score", ""),
                  "comment": request.POST.get("comment", "")}
        try:
            score = int(values["score"]) if values["score"].isdigit() else None
            survey_services.answer_survey(secret=secret, score=score,
                                          comment=values["comment"])
            return redirect("survey:answer", secret=secret)
        except DomainError as exc:
            errors = errors_of(exc)
    return render(request, "campaigns/survey.html", {
        "invitation": invitation, "errors": errors, "values": values,
        "scores": range(5, 0, -1)}, status=422 if errors else 200)
