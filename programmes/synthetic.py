"""A generated programme of many people, shaped like the demo's but larger, for the
disclosure benchmark (bench/disclosure.py) and the k-anonymity tests.

Deterministic for a seed. Rows are written in bulk (no services, no e-mails): people with an
unusable password, their journeys and step records in two regions (and a few elsewhere),
cohorts every quarter, businesses for those who created one (legal forms and sectors skewed
as in the programme's pilot, with rare sectors), and grants for some of them.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

REGIONS = [("rabat-sale", 0.5), ("tanger-tetouan", 0.4), ("other", 0.08), ("", 0.02)]
GENDERS = [("woman", 0.52), ("man", 0.45), ("other", 0.01), ("", 0.02)]
# The share of the people who reach each step (of everybody, not of the step before).
FUNNEL = {
    "informed": 1.0,
    "applied": 0.85,
    "selected": 0.65,
    "trained": 0.55,
    "certified": 0.45,
    "business_created": 0.2,
}
FUNDED = 0.3  # of the businesses created
LEGAL_FORMS = [
    ("auto-entrepreneur", 0.55),
    ("informal", 0.2),
    ("cooperative", 0.15),
    ("sarl", 0.08),
    ("other", 0.02),
]
SECTORS = [
    ("food", 0.25),
    ("trade", 0.2),
    ("textile", 0.15),
    ("beauty", 0.12),
    ("services", 0.1),
    ("crafts", 0.08),
    ("agriculture", 0.04),
    ("it", 0.03),
    ("transport", 0.015),
    ("construction", 0.01),
    ("education", 0.005),
]
BUSINESS_REGION = {
    "rabat-sale": "rabat-sale-kenitra",
    "tanger-tetouan": "tanger-tetouan-al-hoceima",
}
CITY = {"rabat-sale-kenitra": "Salé", "tanger-tetouan-al-hoceima": "Tanger", "oriental": "Oujda"}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def generate_programme(people=2000, *, seed=1, today=None, slug="generated"):
    """A programme with `people` journeys, all dated before `today`; returns the Programme."""
    from accounts.models import User
    from marketplace.models import Business
    from programmes.models import Cohort, Grant, Journey, Programme, StepRecord

    rng = random.Random(seed)
    today = today or date.today()
    starts_on = date(today.year - 2, 1, 1)
    programme = Programme.objects.create(
        name=f"Generated programme ({people} people)",
        slug=slug,
        funder="Generated",
        starts_on=starts_on,
        ends_on=date(today.year + 1, 12, 31),
        regions=["rabat-sale", "tanger-tetouan"],
        fund_eur=Decimal(people) * 500,
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(programme=programme, name=f"Cohort {n + 1}", starts_on=starts_on + timedelta(91 * n))
        for n in range(8)
    )
    users = [
        User(
            email=f"{slug}-{n}@generated.example",
            display_name=f"Person {n}",
            gender=_pick(rng, GENDERS),
        )
        for n in range(people)
    ]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users)
    plans = []
    for user in users:
        draw = rng.random()  # one draw: whoever reaches a step reached the ones before
        reached = [step for step, share in FUNNEL.items() if draw < share]
        plans.append((user, rng.choice(cohorts), _pick(rng, REGIONS), reached))
    businesses = Business.objects.bulk_create(
        Business(
            name=f"Business {n}",
            slug=f"{slug}-business-{n}",
            legal_form=_pick(rng, LEGAL_FORMS),
            stage="operating",
            sector=_pick(rng, SECTORS),
            region=BUSINESS_REGION.get(region, "oriental"),
            city=CITY[BUSINESS_REGION.get(region, "oriental")],
            status="published",
        )
        for n, (_user, _cohort, region, reached) in enumerate(plans)
        if "business_created" in reached
    )
    owned = iter(businesses)
    journeys, dated = [], []
    for user, cohort, region, reached in plans:
        business = next(owned) if "business_created" in reached else None
        journeys.append(
            Journey(
                programme=programme,
                person=user,
                cohort=cohort,
                region=region,
                step=reached[-1],
                business=business,
            )
        )
        on = cohort.starts_on + timedelta(days=rng.randrange(0, 30))
        steps = []
        for step in reached:
            steps.append((step, min(on, today)))
            on += timedelta(days=rng.randrange(20, 75))
        dated.append(steps)
    journeys = Journey.objects.bulk_create(journeys)
    StepRecord.objects.bulk_create(
        StepRecord(journey=journey, step=step, reached_on=on)
        for journey, steps in zip(journeys, dated, strict=True)
        for step, on in steps
    )
    grants = []
    for journey, steps in zip(journeys, dated, strict=True):
        if journey.business is None or rng.random() >= FUNDED:
            continue
        amount = Decimal(rng.randrange(20, 121) * 250)
        created = steps[-1][1]
        grants.append(
            Grant(
                programme=programme,
                business=journey.business,
                amount_eur=amount,
                exchange_rate=Decimal("10.8500"),
                amount_mad=amount * Decimal("10.85"),
                decided_on=min(created + timedelta(days=rng.randrange(10, 90)), today),
                purpose="Generated",
            )
        )
    Grant.objects.bulk_create(grants)
    return programme
