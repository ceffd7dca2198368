"""The yearly satisfaction survey (PRODUCT.md "Follow-up"): every active customer (not
blocked, with a unit in the field) gets a secret portal link; the answer is kept on the
customer's record and counted in the reports."""
from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, NotFound, ValidationFailed
from aftersales.customers.models import Customer

from ..errors import CampaignCode
from ..models import FollowUpPolicy, Survey, SurveyInvitation
from .tell import in_site_language, tell_customer


def survey_link(invitation: SurveyInvitation) -> str:
    return f"{settings.PUBLIC_URL}/survey/{invitation.secret}/"


def active_customers():
    return Customer.objects.filter(blocked=False, devices__isnull=False).distinct()


def send_yearly_survey(*, today: date) -> int:
    """From the policy's month on, this year's survey once: an invitation per active
    customer (SMS/e-mail with the link). Returns the invitations written."""
    if today.month < FollowUpPolicy.current().survey_month:
        return 0
    if Survey.objects.filter(year=today.year).exists():
        return 0
    try:
        with transaction.atomic():
            survey = Survey.objects.create(year=today.year)
            invitations = SurveyInvitation.objects.bulk_create(
                [SurveyInvitation(survey=survey, customer=customer,
                                  secret=secrets.token_urlsafe(24))
                 for customer in active_customers().order_by("pk")], batch_size=500)
            for invitation in SurveyInvitation.objects.filter(survey=survey).select_related(
                    "customer"):
                with in_site_language():
                    subject = _("How satisfied are you with our service in %(year)s?") % {
                        "year": today.year}
                    body = _("Please tell us in one minute: %(link)s") % {
                        "link": survey_link(invitation)}
                tell_customer(invitation.customer, kind="survey", key=str(invitation.pk),
                              subject=subject, body=body)
    except IntegrityError:  # another run sent it meanwhile
        return 0
    return len(invitations)


@transaction.atomic
def answer_survey(*, secret: str, score, comment: str = "") -> SurveyInvitation:
    """The customer's answer through the link (once)."""
    invitation = (SurveyInvitation.objects.select_for_update()
                  .filter(secret=secret or "").first())
    if invitation is None:
        raise NotFound(_("This survey link is not valid."))
    if invitation.answered_at is not None:
        raise Conflict(CampaignCode.SURVEY_ANSWERED, _("This survey is answered already. Thank you!"))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationFailed(_("Choose from 1 to 5."), field="score")
    if len(comment or "") > 2000:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 2000}, field="comment")
    invitation.score, invitation.comment = score, (comment or "").strip()
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["score", "comment", "answered_at"])
    return invitation
