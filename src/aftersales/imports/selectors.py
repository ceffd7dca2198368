"""Reads of the imports app: a user sees their own imports (admins and managers all)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.errors import NotFound
from aftersales.core.scoping import require_role
from aftersales.network.models import User

from .models import ImportJob
from .services import IMPORTERS

SEE_ALL = (User.Role.ADMIN, User.Role.MANAGER)


def require_importer(*, actor: User, kind: str) -> None:
    require_role(actor, *IMPORTERS[kind])


def import_list(*, actor: User):
    qs = ImportJob.objects.defer("content").order_by("-id")
    if not (actor.is_superuser or actor.role in SEE_ALL):
        qs = qs.filter(created_by=actor)
    return qs


def access_import(*, actor: User, job_id: int) -> ImportJob:
    job = import_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    return job
