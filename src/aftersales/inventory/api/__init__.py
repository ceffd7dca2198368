"""The inventory API: one router, its endpoints in one module per topic (importing them
registers their routes)."""
from . import requisitions, returns, stock  # noqa: F401  (registers the routes)
from .common import router

__all__ = ["router"]
