"""Writes of the network app, by topic: points and staff, regions and dealers, agreements
and qualifications, people's certificates and appraisal entries."""
from .agreements import (  # noqa: F401
    add_point_equipment,
    record_agreement,
    sweep_expiries,
)
from .people import (  # noqa: F401
    record_appraisal_entry,
    record_certificate,
    record_training,
)
from .points import create_service_point, create_staff, record_deposit  # noqa: F401
from .regions import create_dealer, create_region, set_point_region  # noqa: F401
