"""The console's Excel import page: templates to download, the upload with its mode, and
each import's progress (polled while a worker runs it) and row-level error report."""
from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.core.views import errors_of, staff_view

from . import selectors, services, sheets
from .api import XLSX, run_or_queue
from .models import ImportJob


def _page(request, *, errors=None, values=None, status=200):
    return render(request, "imports/page.html", {
        "kinds": ImportJob.Kind.choices, "modes": ImportJob.Mode.choices,
        "jobs": selectors.import_list(actor=request.user)[:20],
        "errors": errors or {}, "values": values or {}}, status=status)


@staff_view
def page(request):
    return _page(request)


@staff_view
@require_POST
def upload(request):
    values = {"kind": request.POST.get("kind", ""), "mode": request.POST.get("mode", "")}
    upload = request.FILES.get("file")
    try:
        job = services.start_import(actor=request.user, kind=values["kind"],
                                    mode=values["mode"],
                                    file_name=upload.name if upload else "",
                                    content=upload.read() if upload else b"")
    except NotFound:
        return _page(request, errors={"kind": str(ImportJob._meta.get_field("kind")
                                                   .verbose_name)}, values=values, status=422)
    except DomainError as exc:
        return _page(request, errors=errors_of(exc), values=values, status=exc.status)
    _code, job = run_or_queue(job)
    return redirect("imports:job", job_id=job.pk)


@staff_view
def job(request, job_id: int):
    found = selectors.access_import(actor=request.user, job_id=job_id)
    template = "imports/_progress.html" if request.htmx else "imports/job.html"
    labels = {column.key: column.label for column in sheets.COLUMNS[found.kind]}
    errors = [(e["row"], labels.get(e["column"], e["column"]), e["reason"])
              for e in found.errors[:500]]
    return render(request, template, {"job": found, "errors": errors,
                                      "running": found.status in ("queued", "running")})


@staff_view
def template(request, kind: str):
    if kind not in ImportJob.Kind.values:
        raise NotFound()
    selectors.require_importer(actor=request.user, kind=kind)
    response = HttpResponse(sheets.template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
