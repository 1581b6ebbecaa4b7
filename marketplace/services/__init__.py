"""Every change of state in the marketplace: businesses and their members (businesses.py),
opportunities, applications and reviews (selection.py)."""

from marketplace.services.businesses import *  # noqa: F403
from marketplace.services.businesses import TRANSITIONS, role_of  # noqa: F401
from marketplace.services.selection import *  # noqa: F403
