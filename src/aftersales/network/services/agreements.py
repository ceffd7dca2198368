"""Cooperation agreements, equipment, and the expiry sweep."""
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.scoping import require_role

from ..models import (
    Agreement,
    Certificate,
    ExpiryReminder,
    NetworkPolicy,
    PointEquipment,
    ServicePoint,
    User,
)


@transaction.atomic
def record_agreement(*, actor: User, service_point: ServicePoint, starts_on: date,
                     ends_on: date, tier: str, deposit: Decimal = Decimal("0"),
                     subsidy_rate: Decimal = Decimal("0"), document=None) -> Agreement:
    """A new term of a point's agreement (the signed document kept in the file storage)."""
    require_role(actor, User.Role.ADMIN)
    if ends_on < starts_on:
        raise ValidationFailed(_("The agreement must end after it starts."), field="ends_on")
    if tier not in ServicePoint.Tier.values:
        raise ValidationFailed(_("Unknown tier."), field="tier")
    if deposit < 0:
        raise ValidationFailed(_("The amount must not be negative."), field="deposit")
    if not Decimal("0") <= subsidy_rate <= Decimal("100"):
        raise ValidationFailed(_("Between 0 and 100 per cent."), field="subsidy_rate")
    agreement = Agreement(service_point=service_point, starts_on=starts_on, ends_on=ends_on,
                          tier=tier, deposit=to_money(deposit), subsidy_rate=subsidy_rate,
                          created_by=actor)
    if document is not None:
        agreement.document.save(document.name, document, save=False)
    agreement.save()
    return agreement


@transaction.atomic
def add_point_equipment(*, actor: User, service_point: ServicePoint,
                        name: str) -> PointEquipment:
    require_role(actor, User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER)
    equipment, _created = PointEquipment.objects.get_or_create(service_point=service_point,
                                                               name=name.strip())
    return equipment


@transaction.atomic
def sweep_expiries(*, on: date) -> list[ExpiryReminder]:
    """Reminders for agreements and certificates ending within the policy's reminder days of `on` (and not
    yet ended). Idempotent: one reminder per row and end date, whatever the runs."""
    until = on + timedelta(days=NetworkPolicy.current().expiry_reminder_days)
    raised = []
    for agreement in (Agreement.objects.filter(ends_on__gte=on, ends_on__lte=until)
                      .select_related("service_point")):
        renewed = Agreement.objects.filter(service_point=agreement.service_point_id,
                                           ends_on__gt=agreement.ends_on).exists()
        if renewed:
            continue
        raised += _remind(ExpiryReminder.Subject.AGREEMENT, agreement.pk, agreement.ends_on,
                          agreement.service_point_id,
                          _("The agreement of %(point)s ends on %(date)s.")
                          % {"point": agreement.service_point.name,
                             "date": agreement.ends_on.isoformat()})
    for cert in (Certificate.objects.filter(valid_until__gte=on, valid_until__lte=until)
                 .select_related("user")):
        renewed = Certificate.objects.filter(user=cert.user_id, category=cert.category,
                                             valid_until__gt=cert.valid_until).exists()
        if renewed:
            continue
        raised += _remind(ExpiryReminder.Subject.CERTIFICATE, cert.pk, cert.valid_until,
                          cert.user.service_point_id,
                          _("The %(category)s certificate of %(name)s ends on %(date)s.")
                          % {"category": cert.category, "name": cert.user.display_name,
                             "date": cert.valid_until.isoformat()})
    return raised


def _remind(subject, object_id, expires_on, point_id, message) -> list[ExpiryReminder]:
    if ExpiryReminder.objects.filter(subject=subject, object_id=object_id,
                                     expires_on=expires_on).exists():
        return []
    try:
        with transaction.atomic():
            return [ExpiryReminder.objects.create(
                subject=subject, object_id=object_id, expires_on=expires_on,
                service_point_id=point_id, message=message[:300])]
    except IntegrityError:  # a concurrent sweep raised it first
        return []
