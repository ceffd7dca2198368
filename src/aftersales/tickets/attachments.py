"""What an uploaded file is, read from its first bytes (never from the name or the
browser's word): images and PDF are kept, anything else is refused before it is stored.
Pure: no Django here."""
from __future__ import annotations

#: (content type, leading bytes test)
_SIGNATURES = (
    ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ("application/pdf", lambda head: head.startswith(b"%PDF-")),
)
KINDS = ("invoice", "warranty_card", "photo", "document")
ACCEPTED = tuple(content_type for content_type, _test in _SIGNATURES)


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with `head` (16 bytes are enough), or None."""
    for content_type, test in _SIGNATURES:
        if test(head):
            return content_type
    return None


def too_large(size: int, *, max_mb: int) -> bool:
    return size > max_mb * 1024 * 1024
