"""API.md "Additions": Excel imports of customers, devices, sales records and stock."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from aftersales.core.api import ERRORS, ErrorOut
from aftersales.core.errors import NotFound, ValidationFailed

from . import selectors, services, sheets
from .tasks import run_import_task

router = Router(tags=["imports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["customers", "devices", "sales", "stock"]


class RowError(Schema):
    row: int = Field(description="the row number in the workbook (the header is row 1)")
    column: str = Field(description="the column's key, e.g. serial")
    reason: str


class ImportOut(Schema):
    id: int
    kind: Kind
    mode: Literal["all_or_nothing", "skip_bad_rows"]
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="failed: refused, nothing imported")
    rows: int
    checked: int
    imported: int
    progress: int = Field(description="percent of the rows checked")
    errors: list[RowError]
    created_at: datetime
    finished_at: datetime | None


def run_or_queue(job):
    """Small files (and every file in embedded mode) now; large ones by the worker."""
    if services.runs_in_background(job):
        transaction.on_commit(lambda: run_import_task.delay(job.pk))
        return 202, job
    return 201, services.run_import(job_id=job.pk)


@router.get("/imports/{int:job_id}", response={200: ImportOut, **ERRORS})
def get_import(request, job_id: int):
    """An import's status, progress and row-level errors."""
    return selectors.access_import(actor=request.auth, job_id=job_id)


# GET /imports/{int:job_id} and POST /imports/{kind} are two URL patterns: a number posted
# or a word read would meet the other's pattern and answer 405. These hidden siblings give
# the answers the document promises instead (422 unknown kind, 404 no such import).
@router.post("/imports/{int:job_id}", response={422: ErrorOut}, include_in_schema=False)
def start_import_of_a_number(request, job_id: int):
    raise ValidationFailed(_("Unknown value."), field="kind")


@router.get("/imports/{kind}", response={404: ErrorOut}, include_in_schema=False)
def get_import_of_a_word(request, kind: str):
    raise NotFound(_("Import not found."))


@router.post("/imports/{kind}", response={201: ImportOut, 202: ImportOut, **ERRORS})
def start_import(request, kind: Kind, file: File[UploadedFile],
                 mode: Form[Literal["all_or_nothing", "skip_bad_rows"]] = "all_or_nothing"):
    """Upload an .xlsx (the template's columns); every row is checked and each bad one
    reported as {row, column, reason}. 201 with the result, or 202 while a worker runs it
    (poll GET /imports/{id})."""
    job = services.start_import(actor=request.auth, kind=kind, mode=mode,
                                file_name=file.name or "", content=file.read())
    code, job = run_or_queue(job)
    return Status(code, job)


@router.get("/imports/{kind}/template", response={200: None, **ERRORS})
def download_template(request, kind: Kind):
    """An empty workbook with the Chinese column headers and an example row."""
    selectors.require_importer(actor=request.auth, kind=kind)
    response = HttpResponse(sheets.template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response

