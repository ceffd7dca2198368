"""Error codes of the campaigns app (one enum, no free strings in the code)."""
from enum import StrEnum


class CampaignCode(StrEnum):
    """The error codes the follow-up answers with. The values are part of the public API
    (docs/api-conventions.md, "Errors"): never change one."""

    LEAD_CLOSED = "lead_closed"  # the lead is won or lost already
    CAMPAIGN_UNIT_CLOSED = "campaign_unit_closed"  # the unit is done or refused already
    CAMPAIGN_UNIT_HAS_TICKET = "campaign_unit_has_ticket"  # done by resolving its ticket
    SURVEY_ANSWERED = "survey_answered"  # the survey link was answered already
