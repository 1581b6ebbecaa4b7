"""Programmes and targets, event registration and attendance (events), people's journeys
(journeys), start-up grants (grants)."""

from programmes.models.events import (
    GENDERS,
    PERSON_REGIONS,
    PROGRAMME_REGIONS,
    Attendance,
    EventRegistration,
    Indicator,
    Programme,
    RegistrationStatus,
    Target,
    new_token,
    person_key,
)
from programmes.models.grants import CENTS, Disbursement, Grant, Tranche
from programmes.models.journeys import (
    STEPS,
    Cohort,
    FollowUp,
    Journey,
    JourneyChange,
    Step,
    StepRecord,
    TurnoverBand,
    step_index,
)

__all__ = [
    "CENTS",
    "GENDERS",
    "PERSON_REGIONS",
    "PROGRAMME_REGIONS",
    "STEPS",
    "Attendance",
    "Cohort",
    "Disbursement",
    "EventRegistration",
    "FollowUp",
    "Grant",
    "Indicator",
    "Journey",
    "JourneyChange",
    "Programme",
    "RegistrationStatus",
    "Step",
    "StepRecord",
    "Target",
    "Tranche",
    "TurnoverBand",
    "new_token",
    "person_key",
    "step_index",
]
