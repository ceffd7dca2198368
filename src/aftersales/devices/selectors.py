from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.selectors import accessory_months
from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from . import warranty
from .labels import BASIS_LABELS, REASON_LABELS
from .models import Device, RepairRecord, WarrantyExtension, WarrantyPolicy

POINT_PATH = "customer__service_point"
SERIAL_PART_MIN = 4


def _base() -> QuerySet[Device]:
    return (Device.objects.select_related("model", "customer", "customer__service_point")
            .annotate(extension_total=Coalesce(
                Subquery(WarrantyExtension.objects.filter(device=OuterRef("pk"))
                         .values("device").annotate(total=Sum("days")).values("total")),
                0)))


def device_list(*, actor: User, q: str | None = None, customer_id: int | None = None,
                parts: bool = True) -> QuerySet[Device]:
    """Units in the caller's scope; `q` a whole serial or IMEI, or (`parts`) 4+ characters
    of one anywhere."""
    qs = scope(_base(), actor=actor, path=POINT_PATH)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    q = (q or "").strip()
    if q:
        # the whole serial/IMEI, or 4+ characters of it anywhere (a caller reads out the
        # part they can see); pg_trgm indexes answer `contains` on PostgreSQL (0004).
        text = q.upper()
        whole = Q(serial=text) | Q(imei=q)
        if len(text) >= SERIAL_PART_MIN:
            # a whole serial or IMEI read out is answered by the unique b-trees alone: its
            # trigrams are in thousands of its neighbours' (SN0140000001…), which the
            # trigram index hands back to be re-checked (16 ms at 200,000 units). Only when
            # it is not a whole one is it searched as a part.
            units = list(scope(Device.objects.filter(whole), actor=actor, path=POINT_PATH)
                         .values_list("pk", flat=True))
            cond = (Q(pk__in=units) if units or not parts
                    else whole | Q(serial__contains=text) | Q(imei__contains=q))
        else:
            cond = whole
        qs = qs.filter(cond)
    return qs.order_by("-id")


def access_device(*, actor: User, serial: str) -> Device:
    return get_scoped(_base(), actor=actor, path=POINT_PATH, serial=(serial or "").upper(),
                      message=_("Device not found."))


def find_device(*, serial: str) -> Device | None:
    """Unscoped look-up for public warranty checks (no personal data leaves it)."""
    return _base().filter(Q(serial=(serial or "").upper()) | Q(imei=serial)).first()


class RuleValues:
    """The rule rows read once per request, so a list of N devices costs no N queries."""

    def __init__(self):
        self.policy = WarrantyPolicy.current()
        self.accessory_months = accessory_months() or dict(warranty.ACCESSORY_MONTHS_DEFAULT)


def policy_for(device: Device, rules: RuleValues | None = None) -> warranty.Policy:
    rules = rules or RuleValues()
    months, rules = rules.accessory_months, rules.policy
    return warranty.Policy(
        warranty_months=device.model.warranty_months, return_days=device.model.return_days,
        exchange_days=device.model.exchange_days, accessory_months=months,
        repeat_fault_repairs=rules.repeat_fault_repairs,
        repeat_fault_window_days=rules.repeat_fault_window_days,
        repair_warranty_days=rules.repair_warranty_days,
        own_reason_return_days=rules.own_reason_return_days,
        exchange_restarts_periods=rules.exchange_restarts_periods)


def unit_of(device: Device) -> warranty.Unit:
    return warranty.Unit(serial=device.serial, model_code=device.model.code,
                         purchase_date=device.purchase_date,
                         manufactured_on=device.manufactured_on,
                         serial_date_pattern=device.model.serial_date_pattern or None,
                         imei=device.imei or None, dealer=device.dealer or None,
                         extension_days=extension_days(device))


def extension_days(device: Device) -> int:
    """Days granted on top of the unit's warranty (the sum of its extension rows); read
    from the list's annotation when there is one, so a list costs no query per unit."""
    annotated = getattr(device, "extension_total", None)
    if annotated is not None:
        return annotated
    return sum(WarrantyExtension.objects.filter(device=device).values_list("days", flat=True))


def repairs_of(device: Device) -> list[warranty.PastRepair]:
    return [warranty.PastRepair(repaired_on=r.repaired_on, fault_code=r.fault_code or None,
                                part_sku=r.part_sku or None)
            for r in RepairRecord.objects.filter(device=device)]


def warranty_decision(*, device: Device, fault: warranty.Fault, cause: str,
                      evidence: warranty.Evidence,
                      covers: Sequence[warranty.ContractCover], on: date | None = None
                      ) -> warranty.Decision:
    """Gather the unit's facts (model periods, policy, repair history) and ask the pure
    engine. `covers` are the unit's service contracts in force; contracts sit above
    devices, so the caller passes them in (`contracts.selectors.warranty_covers`)."""
    return warranty.decide(unit=unit_of(device), fault=fault, cause=cause, evidence=evidence,
                           on=on or timezone.localdate(), policy=policy_for(device),
                           repairs=repairs_of(device), contracts=list(covers))


@dataclass(frozen=True)
class WarrantyBadge:
    """What the engine decides today for an ordinary fault of the unit: covered or not,
    on which basis (unit warranty, contract, repair warranty), until when, and why not."""

    covered: bool
    basis: str
    ends: date | None
    reasons: tuple[str, ...]
    # parts under the warranty of an earlier repair: ((sku, ends), ...)
    repaired_parts: tuple[tuple[str, date], ...] = ()

    @property
    def basis_label(self):
        return BASIS_LABELS.get(self.basis, self.basis)

    @property
    def reason_labels(self):
        return [REASON_LABELS.get(r, r) for r in self.reasons]


def warranty_badges(devices: list[Device], *,
                    covers: Mapping[int, Sequence[warranty.ContractCover]],
                    on: date | None = None,
                    rules: RuleValues | None = None) -> dict[int, WarrantyBadge]:
    """The badge of each device from the warranty engine, contracts and repair history
    included (one query for the repairs). Contracts sit above devices: the caller passes
    each unit's covers in (`contracts.selectors.warranty_covers_of`)."""
    on = on or timezone.localdate()
    rules = rules or RuleValues()
    ids = [d.pk for d in devices]
    repairs: dict[int, list[warranty.PastRepair]] = {pk: [] for pk in ids}
    for r in RepairRecord.objects.filter(device_id__in=ids):
        repairs[r.device_id].append(warranty.PastRepair(
            repaired_on=r.repaired_on, fault_code=r.fault_code or None,
            part_sku=r.part_sku or None))
    badges = {}
    for device in devices:
        evidence = warranty.Evidence(invoice=bool(device.invoice_no),
                                     warranty_card=bool(device.warranty_card_no))
        decision = warranty.decide(
            unit=unit_of(device), fault=warranty.Fault(kind="performance"), cause="none",
            evidence=evidence, on=on, policy=policy_for(device, rules),
            repairs=repairs[device.pk], contracts=list(covers.get(device.pk, ())))
        parts = []
        if decision.basis not in ("contract",):
            for sku in dict.fromkeys(r.part_sku for r in repairs[device.pk] if r.part_sku):
                part = warranty.decide(
                    unit=unit_of(device), fault=warranty.Fault(kind="performance",
                                                               part_sku=sku),
                    cause="none", evidence=evidence, on=on, policy=policy_for(device, rules),
                    repairs=repairs[device.pk], contracts=list(covers.get(device.pk, ())))
                if part.covered and part.basis == "repair_warranty" and part.warranty_ends:
                    parts.append((sku, part.warranty_ends))
        badges[device.pk] = WarrantyBadge(covered=decision.covered, basis=decision.basis,
                                          ends=decision.warranty_ends,
                                          reasons=tuple(decision.reasons),
                                          repaired_parts=tuple(parts))
    return badges


def warranty_ends(device: Device, *, on: date | None = None,
                  rules: RuleValues | None = None) -> date | None:
    """The plain unit warranty end (performance fault, proof as registered)."""
    evidence = warranty.Evidence(invoice=bool(device.invoice_no),
                                 warranty_card=bool(device.warranty_card_no))
    decision = warranty.decide(unit=unit_of(device), fault=warranty.Fault(kind="performance"),
                               cause="none", evidence=evidence,
                               on=on or timezone.localdate(), policy=policy_for(device, rules))
    return decision.warranty_ends
