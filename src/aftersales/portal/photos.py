"""Fault photos sent with a booking: images only (the bytes must open as JPEG, PNG or
WebP, whatever the name or the browser says), at most the policy's number and size."""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from aftersales.core.errors import ValidationFailed

from .errors import PortalCode

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
           "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class Upload:
    file: ContentFile
    name: str
    content_type: str
    size: int


def check_photos(files: list, *, policy) -> list[Upload]:
    """Each file read once, checked, and handed back under a safe name."""
    if len(files) > policy.max_photos:
        raise ValidationFailed(_("At most %(n)d photos.") % {"n": policy.max_photos},
                               field="photos", code=PortalCode.TOO_MANY_PHOTOS)
    limit = policy.photo_max_kb * 1024
    out = []
    for index, upload in enumerate(files, start=1):
        size = getattr(upload, "size", None) or 0
        if size > limit:
            raise ValidationFailed(_("A photo may be at most %(kb)d KB.")
                                   % {"kb": policy.photo_max_kb}, field="photos",
                                   code=PortalCode.PHOTO_TOO_LARGE)
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ValidationFailed(_("A photo may be at most %(kb)d KB.")
                                   % {"kb": policy.photo_max_kb}, field="photos",
                                   code=PortalCode.PHOTO_TOO_LARGE)
        kind = _image_format(data)
        if kind not in FORMATS:
            raise ValidationFailed(_("Only photos (JPEG, PNG or WebP) can be sent."),
                                   field="photos", code=PortalCode.NOT_AN_IMAGE)
        content_type, extension = FORMATS[kind]
        original = (getattr(upload, "name", "") or f"photo-{index}")[:100]
        out.append(Upload(file=ContentFile(data, name=f"fault-{index}.{extension}"),
                          name=original, content_type=content_type, size=len(data)))
    return out


def _image_format(data: bytes) -> str | None:
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
