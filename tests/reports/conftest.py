"""The network's site (a point, its staff, a phone customer) for the appraisal tests."""
from tests.network.conftest import frozen, site  # noqa: F401 (fixtures shared with network)
