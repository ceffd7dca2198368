"""Staff certificates, training records and appraisal entries."""
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_required

from ..models import AppraisalEntry, AppraisalRule, Certificate, TrainingRecord, User

GRANTORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER)


def _own_staff(actor: User, person: User) -> None:
    require_role(actor, *GRANTORS)
    if person.service_point_id is not None:
        check_point(actor=actor, service_point_id=person.service_point_id)


@transaction.atomic
def record_certificate(*, actor: User, user: User, category: str, valid_until: date,
                       valid_from: date | None = None, issuer: str = "") -> Certificate:
    """A certificate for a product category: from then on the category is one of the
    person's skills until `valid_until` (inclusive)."""
    _own_staff(actor, user)
    category = clean_required(category, field="category", max_length=50)
    valid_from = valid_from or date.today()
    if valid_until < valid_from:
        raise ValidationFailed(_("The certificate must end after it starts."),
                               field="valid_until")
    return Certificate.objects.create(user=user, category=category, valid_from=valid_from,
                                      valid_until=valid_until, issuer=issuer,
                                      created_by=actor)


@transaction.atomic
def record_training(*, actor: User, user: User, course: str, completed_on: date,
                    hours=0, category: str = "") -> TrainingRecord:
    _own_staff(actor, user)
    course = clean_required(course, field="course", max_length=120)
    return TrainingRecord.objects.create(user=user, course=course, completed_on=completed_on,
                                         hours=hours, category=category, created_by=actor)


@transaction.atomic
def record_appraisal_entry(*, actor: User, user: User, month: date, rule: AppraisalRule,
                           note: str = "") -> AppraisalEntry:
    """A manager's reward or penalty for the month, at the amount the admin's rule sets
    (a penalty is stored negative)."""
    _own_staff(actor, user)
    if not rule.active:
        raise ValidationFailed(_("This rule is not in use."), field="rule")
    amount = rule.amount if rule.kind == AppraisalRule.Kind.REWARD else -rule.amount
    return AppraisalEntry.objects.create(user=user, month=month.replace(day=1), rule=rule,
                                         amount=amount, note=note, created_by=actor)
