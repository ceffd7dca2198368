"""The REST API v1: one NinjaAPI, one router per domain app (docs/api-conventions.md)."""
from ninja import Schema, Status
from pydantic import Field

from aftersales.billing.api import router as billing_router
from aftersales.billing.api.field import router as field_money_router
from aftersales.campaigns.api import router as campaigns_router
from aftersales.catalog.api import router as catalog_router
from aftersales.contracts.api import router as contracts_router
from aftersales.core.api import (
    ERRORS,
    BearerAuth,
    EdgeDeclaringAPI,
    JsonRenderer,
    install_error_handlers,
    login_for_token,
    revoke_token,
)
from aftersales.customers.api import router as customers_router
from aftersales.devices.api import router as devices_router
from aftersales.imports.api import router as imports_router
from aftersales.inventory.api import router as inventory_router
from aftersales.network.api import router as network_router
from aftersales.notifications.api import router as alerts_router
from aftersales.notifications.api_providers import router as providers_router
from aftersales.portal.api import public_router
from aftersales.reports.api import router as reports_router
from aftersales.telephony.api import router as telephony_router
from aftersales.tickets.api import router as tickets_router
from aftersales.tickets.notes_api import router as ticket_notes_router


class AftersalesAPI(EdgeDeclaringAPI):
    """Operation ids are the view functions' names (`open_ticket`), not their module paths:
    the clients integrators generate from the OpenAPI document keep their method names when
    a module is split or moved. A test keeps them unique."""

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


api = AftersalesAPI(
    title="Aftersales API", version="1", urls_namespace="api", auth=BearerAuth(),
    renderer=JsonRenderer(),
    description="After-sales service management (售后服务管理系统). Conventions: docs/api-conventions.md.",
)
install_error_handlers(api)


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    token: str


class HealthOut(Schema):
    status: str


@api.get("/health", auth=None, response=HealthOut, tags=["auth"])
def health(request):
    """For load balancers and monitors: the process answers (no database query)."""
    return {"status": "ok"}


@api.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS}, tags=["auth"])
def obtain_token(request, payload: TokenIn):
    """Wrong credentials: 401. After too many wrong passwords for a username (or from one
    address) every try answers 429 `login_locked` with `Retry-After` until the window ends.
    A token lasts AFTERSALES_API_TOKEN_TTL_DAYS and dies with a password change."""
    return {"token": login_for_token(request, payload.username, payload.password)}


@api.delete("/auth/token", response={204: None, **ERRORS}, tags=["auth"])
def delete_token(request):
    """Revoke the token this request is signed with."""
    revoke_token(request)
    return Status(204, None)


for router in (network_router, customers_router, catalog_router, devices_router,
               contracts_router, tickets_router, billing_router, inventory_router,
               reports_router, campaigns_router, imports_router):
    api.add_router("", router)
api.add_router("", field_money_router)
api.add_router("", alerts_router)
api.add_router("", ticket_notes_router)
api.add_router("", telephony_router)
api.add_router("", providers_router)
api.add_router("/public", public_router)
