"""Excel imports (capability 18; API.md "Additions": `/imports/{kind}`).

Every row is checked and each bad one reported as (row, column, reason). In
`all_or_nothing` mode one bad row refuses the whole file (nothing is written); in
`skip_bad_rows` mode the good rows are written and the bad ones listed. Rows are written
through the owning apps' services: devices through `devices.services.register_devices`
(one bulk write, the installed base is large), customers, sales records and stock one row
at a time through their services, each row in a savepoint.

Large files run in a Celery task; in embedded mode (no broker) the task runs in-process.
"""
from __future__ import annotations

import logging
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog import services as catalog_services
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import DomainError, NotFound, ValidationFailed
from aftersales.core.scoping import require_role, scope
from aftersales.core.search import exact_lookups
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer, Zone
from aftersales.devices import services as device_services
from aftersales.inventory import services as inventory_services
from aftersales.network.models import User

from . import sheets
from .models import ImportJob

log = logging.getLogger("aftersales.imports")

IMPORTERS = {
    "customers": (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT),
    "devices": (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT),
    "sales": (User.Role.ADMIN, User.Role.MANAGER),
    "stock": (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE),
}
MAX_BYTES = 20 * 1024 * 1024
IN_PROCESS_ROWS = 2000  # with a broker, files of more rows go to the worker
PROGRESS_EVERY = 500
REF_CHUNK = 2000  # customer references per look-up query
KIND_WORDS = {"个人": "person", "公司": "company", "person": "person", "company": "company"}
ZONE_WORDS = {"市区": "city", "市区外": "prefecture", "省内": "province"}


class _Refused(Exception):
    """All-or-nothing: a bad row rolls the whole file back."""


def _error(row: int, column: str, reason) -> dict:
    return {"row": row, "column": column, "reason": str(reason)}


@transaction.atomic
def start_import(*, actor: User, kind: str, mode: str, file_name: str,
                 content: bytes) -> ImportJob:
    """Record the upload; the caller runs it (`run_import`) now or hands it to the worker."""
    if kind not in ImportJob.Kind.values:
        raise NotFound(_("Unknown import."))
    require_role(actor, *IMPORTERS[kind])
    if mode not in ImportJob.Mode.values:
        raise ValidationFailed(_("Choose all or nothing, or skip bad rows."), field="mode")
    if not content:
        raise ValidationFailed(_("Choose a file."), field="file")
    if len(content) > MAX_BYTES or not content.startswith(b"PK"):
        raise ValidationFailed(_("An Excel workbook (.xlsx) of at most 20 MB."), field="file")
    return ImportJob.objects.create(kind=kind, mode=mode, file_name=(file_name or "")[:200],
                                    content=content, created_by=actor)


def runs_in_background(job: ImportJob) -> bool:
    """Only with a broker, and only files larger than IN_PROCESS_ROWS rows (a rough count
    from the workbook's size: the exact one needs the reading the worker does anyway)."""
    return not settings.CELERY_TASK_ALWAYS_EAGER and len(job.content) > IN_PROCESS_ROWS * 60


def _progress(job: ImportJob, checked: int) -> None:
    if checked % PROGRESS_EVERY == 0:
        ImportJob.objects.filter(pk=job.pk).update(checked=checked)


def run_import(*, job_id: int, on_progress=None) -> ImportJob:
    """Check every row and write the good ones as the mode says; the job's counts and
    errors answer. Safe to run twice (a finished job is returned as it is)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        total, rows = sheets.read_rows(job.kind, bytes(job.content))
    except sheets.SheetError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, rows=0, imported=0,
                       errors=[_error(1, "", exc.args[0])])
    ImportJob.objects.filter(pk=job.pk).update(rows=total)
    job.rows = total

    def progress(checked: int) -> None:
        _progress(job, checked)
        if on_progress is not None:
            on_progress(checked, total)

    writer = {"customers": _import_customers, "devices": _import_devices,
              "sales": _import_sales, "stock": _import_stock}[job.kind]
    errors: list[dict] = []
    imported = 0
    # devices are checked outside a transaction (the progress shows) and written in one;
    # the other kinds write row by row inside one transaction (all or nothing).
    whole = nullcontext() if job.kind == ImportJob.Kind.DEVICES else transaction.atomic()
    try:
        with whole:
            imported = writer(job=job, actor=job.created_by, rows=rows, errors=errors,
                              progress=progress)
            if errors and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
                raise _Refused
    except _Refused:
        imported = 0
    except DomainError as exc:  # e.g. a serial registered meanwhile by someone else
        errors.append(_error(0, exc.field or "", exc.message))
        imported = 0
    errors.sort(key=lambda e: (e["row"], e["column"]))
    refused = imported == 0 and bool(errors)
    return _finish(job, status=ImportJob.Status.FAILED if refused else ImportJob.Status.DONE,
                   rows=total, imported=imported, errors=errors)


def _finish(job: ImportJob, *, status: str, rows: int, imported: int,
            errors: list[dict]) -> ImportJob:
    job.status, job.rows, job.imported, job.errors = status, rows, imported, errors
    job.checked, job.finished_at = rows, timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "rows", "imported", "errors", "checked",
                                "finished_at"])
    return job


# -- the kinds ---------------------------------------------------------------------------

def _each_in_savepoint(*, rows, errors, progress, write) -> int:
    """Write row by row, each in a savepoint: a refused row is reported, the others stay."""
    done = 0
    for index, (number, record) in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                write(record)
            done += 1
        except DomainError as exc:
            errors.append(_error(number, exc.field or "", exc.message))
        except (ValueError, TypeError, InvalidOperation) as exc:
            column = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
            errors.append(_error(number, column, _("Not a valid value.")))
        progress(index)
    return done


def _import_customers(*, job, actor, rows, errors, progress) -> int:
    def write(record: dict) -> None:
        kind = KIND_WORDS.get(sheets.text(record.get("kind")), sheets.text(record.get("kind")))
        zone = sheets.text(record.get("zone"))
        zone = ZONE_WORDS.get(zone, zone)
        if zone not in Zone.values:
            raise ValidationFailed(_("Unknown fee zone."), field="zone")
        customer_services.create_customer(
            actor=actor, name=sheets.text(record.get("name")), kind=kind,
            phone=sheets.text(record.get("phone")), zone=zone,
            email=sheets.text(record.get("email")), address=sheets.text(record.get("address")),
            credit_code=sheets.text(record.get("credit_code")))
    return _each_in_savepoint(rows=rows, errors=errors, progress=progress, write=write)


def _import_sales(*, job, actor, rows, errors, progress) -> int:
    models = {m.code: m for m in ProductModel.objects.all()}

    def write(record: dict) -> None:
        model = models.get(sheets.text(record.get("model")))
        if model is None:
            raise ValidationFailed(_("Unknown model."), field="model")
        try:
            month = sheets.as_month(record.get("month"))
        except (ValueError, TypeError):
            raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
        try:
            units = sheets.as_int(record.get("units"))
        except (ValueError, TypeError):
            raise ValidationFailed(_("A whole number, zero or more."), field="units") from None
        catalog_services.record_sales(actor=actor, model=model, month=month, units=units)
    return _each_in_savepoint(rows=rows, errors=errors, progress=progress, write=write)


def _import_stock(*, job, actor, rows, errors, progress) -> int:
    def write(record: dict) -> None:
        warehouse = inventory_services.resolve_warehouse(
            sheets.text(record.get("warehouse")), actor=actor)
        part = inventory_services.resolve_part(sheets.text(record.get("sku")))
        try:
            qty = sheets.as_int(record.get("qty"))
        except (ValueError, TypeError):
            raise ValidationFailed(_("A whole number."), field="qty") from None
        cost = sheets.text(record.get("unit_cost"))
        try:
            unit_cost = Decimal(cost) if cost else None
        except InvalidOperation:
            raise ValidationFailed(_("Not a valid amount."), field="unit_cost") from None
        inventory_services.receive_stock(actor=actor, warehouse=warehouse, part=part, qty=qty,
                                         unit_cost=unit_cost,
                                         reference=f"IMPORT-{job.pk}")
    return _each_in_savepoint(rows=rows, errors=errors, progress=progress, write=write)


def _import_devices(*, job, actor, rows, errors, progress) -> int:
    """Checked row by row against prefetched models and customers, then one bulk write."""
    models = {m.code: m for m in ProductModel.objects.all()}
    refs = sorted({sheets.text(r.get("customer")) for _n, r in rows})
    by_ref: dict[str, Customer] = {}
    # by number, then the rest by phone: chunked (SQLite's limit of bound values) and
    # answered by the b-tree indexes (core.search.exact_lookups)
    with exact_lookups():
        for start in range(0, len(refs), REF_CHUNK):
            for customer in scope(Customer.objects, actor=actor).filter(
                    number__in=refs[start:start + REF_CHUNK]):
                by_ref[customer.number] = customer
        by_phone = [ref for ref in refs if ref not in by_ref]
        for start in range(0, len(by_phone), REF_CHUNK):
            for customer in scope(Customer.objects, actor=actor).filter(
                    phone__in=by_phone[start:start + REF_CHUNK]).order_by("id"):
                by_ref.setdefault(customer.phone, customer)
    good: list[tuple[int, dict]] = []
    seen_serials: dict[str, int] = {}
    seen_imeis: dict[str, int] = {}
    for index, (number, record) in enumerate(rows, start=1):
        progress(index)
        unit = _device_row(number, record, models=models, customers=by_ref, errors=errors)
        if unit is None:
            continue
        if unit["serial"] in seen_serials:
            errors.append(_error(number, "serial", _("The same serial is on row %(row)d.")
                                 % {"row": seen_serials[unit["serial"]]}))
            continue
        if unit["imei"] and unit["imei"] in seen_imeis:
            errors.append(_error(number, "imei", _("The same IMEI is on row %(row)d.")
                                 % {"row": seen_imeis[unit["imei"]]}))
            continue
        seen_serials[unit["serial"]] = number
        if unit["imei"]:
            seen_imeis[unit["imei"]] = number
        good.append((number, unit))
    taken_serials, taken_imeis = device_services.existing_identifiers(
        serials=list(seen_serials), imeis=list(seen_imeis))
    units = []
    for number, unit in good:
        if unit["serial"] in taken_serials:
            errors.append(_error(number, "serial", _("A device with this serial exists.")))
        elif unit["imei"] and unit["imei"] in taken_imeis:
            errors.append(_error(number, "imei", _("A device with this IMEI exists.")))
        else:
            units.append(unit)
    if errors and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        return 0
    return (device_services.register_devices(actor=actor, units=units, checked=True)
            if units else 0)


def _device_row(number: int, record: dict, *, models, customers, errors) -> dict | None:
    model = models.get(sheets.text(record.get("model")))
    if model is None:
        errors.append(_error(number, "model", _("Unknown model.")))
        return None
    customer = customers.get(sheets.text(record.get("customer")))
    if customer is None:
        errors.append(_error(number, "customer", _("Unknown customer.")))
        return None
    dates = {}
    for key in ("purchase_date", "manufactured_on"):
        try:
            dates[key] = sheets.as_date(record.get(key))
        except (ValueError, TypeError):
            errors.append(_error(number, key, _("A date written YYYY-MM-DD.")))
            return None
    try:
        cleaned = device_services.clean_unit(serial=sheets.text(record.get("serial")),
                                             imei=sheets.text(record.get("imei")) or None,
                                             **dates)
    except ValidationFailed as exc:
        errors.append(_error(number, exc.field or "", exc.message))
        return None
    return {**cleaned, "model": model, "customer": customer, **dates,
            "invoice_no": sheets.text(record.get("invoice_no"))[:40],
            "warranty_card_no": sheets.text(record.get("warranty_card_no"))[:40],
            "dealer": sheets.text(record.get("dealer"))[:120]}
