"""The alerts page (managers and agents) with the bell's count, and the agents' callbacks
due today with the script and the result form. Reads through selectors, writes through
services."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError
from aftersales.core.exports import xlsx_response
from aftersales.core.scoping import scope
from aftersales.core.views import errors_of, staff_view
from aftersales.tickets import selectors as ticket_selectors
from aftersales.tickets import services as ticket_services
from aftersales.tickets.models import FollowUp

from . import selectors, services
from .models import Alert

ALERT_ROLES = ("manager", "agent", "admin")


def callbacks_due_today(*, actor) -> list[FollowUp]:
    """Callbacks not done yet and due by the end of today, oldest first (scoped)."""
    end = datetime.combine(timezone.localdate() + timedelta(days=1), time.min,
                           tzinfo=timezone.get_current_timezone())
    return list(scope(FollowUp.objects.select_related(
        "ticket", "ticket__customer", "ticket__device", "ticket__device__model",
        "ticket__engineer"), actor=actor, path="ticket__service_point")
        .filter(done_at__isnull=True, due_at__lt=end).order_by("due_at", "id")[:100])


def _context(request, *, errors=None, failed=None):
    actor = request.user
    role = "admin" if actor.is_superuser else actor.role
    show = request.GET.get("show", "open")
    alerts = list(selectors.alert_list(actor=actor, open_only=show != "all")[:200])
    callbacks = callbacks_due_today(actor=actor) if role in ("agent", "admin", "manager") else []
    # the dispatch approvals waiting for this person: their alerts get approve/reject
    waiting = {str(a.pk): a for a in ticket_selectors.pending_approvals(actor=actor)}
    for alert in alerts:
        alert.approval = (waiting.get(alert.key)
                          if alert.kind == Alert.Kind.DISPATCH_APPROVAL else None)
    return {"alerts": alerts, "show": show, "callbacks": callbacks,
            "kinds": Alert.Kind.choices, "errors": errors or {}, "failed": failed,
            "satisfaction_choices": [5, 4, 3, 2, 1]}


@staff_view
def alert_page(request):
    return render(request, "notifications/alerts.html", _context(request))


@staff_view
def alert_export(request):
    """The alerts list as Excel (the same rows as the page)."""
    alerts = selectors.alert_list(actor=request.user,
                                  open_only=request.GET.get("show", "open") != "all")[:5000]
    return xlsx_response(
        filename="alerts.xlsx", title=_("Alerts"),
        header=[_("What"), _("Ticket"), _("Customer"), _("Was due"), _("Raised"),
                _("Acknowledged by"), _("Acknowledged at")],
        rows=([a.get_kind_display(), a.ticket.number, a.ticket.customer.name, a.due_at,
               a.created_at, a.acknowledged_by.display_name if a.acknowledged_by else "",
               a.acknowledged_at] for a in alerts))


@staff_view
@require_POST
def acknowledge(request, alert_id: int):
    alert = selectors.access_alert(actor=request.user, alert_id=alert_id)
    try:
        services.acknowledge_alert(actor=request.user, alert=alert)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Acknowledged: %(kind)s, ticket %(number)s.") % {
            "kind": alert.get_kind_display(), "number": alert.ticket.number})
    return redirect("notifications:alerts")


@staff_view
@require_POST
def decide_dispatch(request, approval_id: int, decision: str):
    """The approver's answer to an on-site assignment waiting for them (its alert's
    buttons): approve assigns the ticket, reject leaves it unassigned. The service checks
    the approver and that nobody decided before; its alert is closed with the decision."""
    approval = ticket_selectors.access_approval(actor=request.user, approval_id=approval_id)
    note = request.POST.get("note", "").strip()
    try:
        if decision == "approve":
            approval = ticket_services.approve_dispatch(actor=request.user, approval=approval,
                                                        note=note)
        else:
            approval = ticket_services.reject_dispatch(actor=request.user, approval=approval,
                                                       note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:alerts")
    done = (_("Approved: ticket %(number)s is assigned to %(engineer)s.")
            if decision == "approve" else
            _("Rejected: ticket %(number)s is not assigned to %(engineer)s."))
    messages.success(request, done % {"number": approval.ticket.number,
                                      "engineer": approval.engineer.display_name})
    return redirect("notifications:alerts")


@staff_view
@require_POST
def record_callback(request, follow_up_id: int):
    """The result of a callback: the ticket's callback action, then its alert is done."""
    follow_up = next((f for f in callbacks_due_today(actor=request.user)
                      if f.pk == follow_up_id), None)
    if follow_up is None:
        messages.error(request, _("This callback is no longer due."))
        return redirect("notifications:alerts")
    satisfaction = request.POST.get("satisfaction", "")
    try:
        ticket_services.callback(
            actor=request.user, ticket=follow_up.ticket,
            satisfaction=int(satisfaction) if satisfaction.isdigit() else 0,
            comment=request.POST.get("comment", "").strip())
    except DomainError as exc:
        return render(request, "notifications/alerts.html",
                      _context(request, errors=errors_of(exc), failed=follow_up.pk),
                      status=exc.status)
    for alert in selectors.alert_list(actor=request.user, kind=Alert.Kind.CALLBACK_DUE).filter(
            ticket=follow_up.ticket, key=str(follow_up.pk)):
        services.acknowledge_alert(actor=request.user, alert=alert)
    messages.success(request, _("Callback recorded for ticket %(number)s.") % {
        "number": follow_up.ticket.number})
    return redirect("notifications:alerts")
