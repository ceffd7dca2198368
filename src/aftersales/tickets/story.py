"""The ticket's story in words for the ticket page and the printed form: the warranty
verdict with its basis and every reason, and why the money reads as it does (covered,
not yet due, paid, refused). Reads only; no writes."""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.billing.models import Quote
from aftersales.core.templatetags.ui import money as money_text
from aftersales.devices.labels import BASIS_LABELS, OPTION_LABELS, REASON_LABELS
from aftersales.inventory.selectors import ticket_parts

from .models import TicketPause

CAUSE_LABELS = {
    "none": gettext_lazy("No user fault"), "misuse": gettext_lazy("Misuse"),
    "self_repair": gettext_lazy("Self-repair"), "force_majeure": gettext_lazy("Force majeure"),
}


def warranty_verdict(ticket) -> dict | None:
    """None before the diagnosis; else covered, the basis and the reasons in words."""
    if ticket.warranty_covered is None:
        return None
    covered = bool(ticket.warranty_covered)
    return {
        "covered": covered,
        "headline": _("In warranty") if covered else _("Out of warranty"),
        "basis": str(BASIS_LABELS.get(ticket.warranty_basis or "none",
                                      ticket.warranty_basis)),
        "reasons": [str(REASON_LABELS.get(r, r)) for r in (ticket.warranty_reasons or [])],
        "options": [str(OPTION_LABELS.get(o, o)) for o in (ticket.warranty_options or [])],
    }


def money_explained(ticket, money: dict | None) -> list[str]:
    """Sentences that say why 合计, 已付 and 未付 are what they are."""
    if not money:
        return []
    total = Decimal(money.get("total") or 0)
    paid = Decimal(money.get("paid") or 0)
    outstanding = Decimal(money.get("outstanding") or 0)
    said = []
    if ticket.warranty_covered:
        said.append(_("Covered by the warranty (%(basis)s): covered work is free.") % {
            "basis": BASIS_LABELS.get(ticket.warranty_basis or "none", "")})
    if money.get("refused"):
        said.append(_("The customer refused to pay %(amount)s.") % {
            "amount": money_text(outstanding)})
    elif total and not paid and not outstanding and money.get("due_on") is None:
        if ticket.status == "awaiting_approval":
            said.append(_("This is the quote (%(total)s); the customer has not approved it "
                          "yet, so nothing is owed.") % {"total": money_text(total)})
        else:
            said.append(_("Nothing is owed yet: the charges of %(total)s fall due when the "
                          "job is resolved.") % {"total": money_text(total)})
    elif total and paid >= total and not outstanding:
        said.append(_("Paid in full (%(paid)s).") % {"paid": money_text(paid)})
    elif outstanding:
        line = _("%(paid)s paid, %(outstanding)s still owed") % {
            "paid": money_text(paid), "outstanding": money_text(outstanding)}
        if money.get("due_on"):
            line += _(", due on %(date)s") % {"date": money["due_on"].strftime("%Y-%m-%d")}
        said.append(line + _("."))
    elif not total:
        said.append(_("Nothing is charged for this job."))
    return said


def story(ticket, money: dict | None) -> dict:
    """Everything the ticket page tells beyond the header: the findings, the verdict, the
    quotes with who decided and when, the parts used, the holds, the signature and the
    satisfaction, and the money in words. A fixed number of queries."""
    quotes = list(Quote.objects.filter(ticket=ticket).exclude(status=Quote.Status.SUPERSEDED)
                  .select_related("created_by", "decided_by").prefetch_related("lines")
                  .order_by("id"))
    holds = [{"reason": TicketPause.Reason(p.reason).label if p.reason in
              TicketPause.Reason.values else p.reason, "from": p.started_at, "to": p.ended_at}
             for p in TicketPause.objects.filter(ticket=ticket).order_by("started_at", "id")]
    return {
        "cause": CAUSE_LABELS.get(ticket.cause, "") if ticket.cause else "",
        "verdict": warranty_verdict(ticket),
        "quotes": quotes,
        "parts": ticket_parts(ticket=ticket),
        "holds": holds,
        "signature": f"data:image/png;base64,{ticket.signature_png}"
        if ticket.signature_png else "",
        "money_said": money_explained(ticket, money),
    }
