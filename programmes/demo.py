"""Demo programme for `seed_demo`: Work4Integration, its institutions and targets, the demo
events and opportunities attached to it, and registrations and attendance at the past events so
that its figures are not zero.

Idempotent: the programme is looked up by its slug, targets by their indicator, and an event that
already has registrations is left alone.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

SLUG = "work4integration"
PROGRAMME = {
    "name": "Work4Integration",
    "funder": "Union européenne (Fonds fiduciaire d'urgence)",
    "starts_on": date(2026, 1, 1),
    "ends_on": date(2028, 12, 31),
    "budget_eur": Decimal("720847"),
    "regions": ["rabat-sale", "tanger-tetouan"],
    "description": "Intégration économique des migrants à Rabat/Salé et Tanger/Tétouan : "
    "information, formation, certification auto-entrepreneur et fonds d'amorçage.",
}
INSTITUTIONS = ["maroc-pme", "odco", "entraide-nationale"]
TARGETS = [
    # (indicator, target, unit)
    ("informed", 800, "personnes"),
    ("reached", 1000, "personnes"),
    ("certified", 400, "personnes"),
    ("business_created", 10, "entreprises"),
    ("officials_engaged", 50, "personnes"),
    ("fund_committed_eur", 100000, "EUR"),
]
# What attending each demo event counts as (cms.demo_content.EVENTS).
EVENTS = {
    "session-information-rabat": "informed",
    "atelier-comptabilite-tanger": "trained",
    "webinaire-financement": "informed",
    "foire-entrepreneurs-rabat": "reached",
    "rencontre-institutions-tetouan": "informed",
}
OPPORTUNITIES = ["fonds-amorcage-2026", "formation-gestion-printemps"]
ACCOUNTS = [
    "fatou@tremplin.example",
    "moussa@tremplin.example",
    "grace@tremplin.example",
    "ibrahim@tremplin.example",
    "mariam@tremplin.example",
    "jean@tremplin.example",
    "entrepreneur@tremplin.example",
]
FIRST_NAMES = [
    ("Aïssatou", "woman"),
    ("Mamadou", "man"),
    ("Kadiatou", "woman"),
    ("Ousmane", "man"),
    ("Blessing", "woman"),
    ("Chinedu", "man"),
    ("Fanta", "woman"),
    ("Abdoulaye", "man"),
    ("Rose", "woman"),
    ("Serge", "man"),
    ("Nafissatou", "woman"),
    ("Yao", "man"),
]
LAST_NAMES = ["Traoré", "Diallo", "Koné", "Mbaye", "Okafor", "Camara", "Kouassi", "Bamba"]
# (event slug, people without an account, of which walk-ins, region)
PAST_EVENTS = [
    ("foire-entrepreneurs-rabat", 24, 6, "rabat-sale"),
    ("rencontre-institutions-tetouan", 14, 3, "tanger-tetouan"),
]


def seed_programme():
    from cms.models import EventPage
    from marketplace.models import Institution, Opportunity
    from programmes.models import Programme, Target

    created = 0
    programme, made = Programme.objects.get_or_create(slug=SLUG, defaults=PROGRAMME)
    created += made
    programme.institutions.add(*Institution.objects.filter(slug__in=INSTITUTIONS))
    for indicator, value, unit in TARGETS:
        _target, made = Target.objects.get_or_create(
            programme=programme,
            indicator=indicator,
            defaults={"target_value": value, "unit": unit},
        )
        created += made
    for slug, counts_as in EVENTS.items():
        # Every translation of the event (its fields are copied, not shared).
        EventPage.objects.filter(slug=slug, programme__isnull=True).update(
            programme=programme, counts_as=counts_as
        )
    Opportunity.objects.filter(slug__in=OPPORTUNITIES, programme__isnull=True).update(
        programme=programme
    )
    return created


def _people(count, region, offset):
    """Deterministic demo people without accounts: (name, phone, gender)."""
    people = []
    for index in range(count):
        first, gender = FIRST_NAMES[(index + offset) % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 3 + offset) % len(LAST_NAMES)]
        prefix = "06" if region == "rabat-sale" else "07"
        phone = f"+212{prefix[1]}{offset:02d}{index:06d}"
        people.append((f"{first} {last}", phone, gender))
    return people


def seed_attendance():
    from accounts.models import User
    from cms.models import EventPage
    from programmes.models import Attendance, EventRegistration, person_key

    manager = User.objects.filter(email="manager@tremplin.example").first()
    accounts = list(User.objects.filter(email__in=ACCOUNTS).order_by("email"))
    created = 0
    for offset, (slug, count, walk_ins, region) in enumerate(PAST_EVENTS, start=10):
        event = EventPage.objects.filter(
            slug=slug, locale__language_code=settings.LANGUAGE_CODE
        ).first()
        if event is None or event.registrations.exists() or event.attendance.exists():
            continue
        registered_at = event.start_at - timedelta(days=7)
        registrations = [
            EventRegistration(
                event=event,
                user=user,
                person_key=person_key(user=user),
                name=user.display_name,
                email=user.email,
                language=user.preferred_language,
                gender=user.gender,
                region=region,
                status="confirmed",
                created_at=registered_at,
                reminder_sent_at=event.start_at - timedelta(hours=20),
            )
            for user in accounts[: 4 + offset % 3]
        ]
        people = _people(count, region, offset)
        registrations += [
            EventRegistration(
                event=event,
                person_key=person_key(phone=phone),
                name=name,
                phone=phone,
                language="fr",
                gender=gender,
                region=region,
                status="confirmed",
                created_at=registered_at,
            )
            for name, phone, gender in people[: count - walk_ins]
        ]
        registrations = EventRegistration.objects.bulk_create(registrations)
        # Most came; the walk-ins came without registering.
        present = [r for index, r in enumerate(registrations) if index % 5 != 4]
        attendance = [
            Attendance(
                event=event,
                person_key=r.person_key,
                user=r.user,
                registration=r,
                name=r.name,
                phone=r.phone,
                gender=r.gender,
                region=r.region,
                recorded_by=manager,
                recorded_at=event.start_at,
            )
            for r in present
        ]
        attendance += [
            Attendance(
                event=event,
                person_key=person_key(phone=phone),
                name=name,
                phone=phone,
                gender=gender,
                region=region,
                walk_in=True,
                recorded_by=manager,
                recorded_at=event.start_at,
            )
            for name, phone, gender in people[count - walk_ins :]
        ]
        Attendance.objects.bulk_create(attendance)
        created += len(registrations) + len(attendance)
    created += _upcoming_registrations(accounts)
    return created


def _upcoming_registrations(accounts):
    """A few seats taken at the next information session, through the service."""
    from cms.models import EventPage
    from programmes import services

    event = EventPage.objects.filter(
        slug="session-information-rabat", locale__language_code=settings.LANGUAGE_CODE
    ).first()
    if event is None or event.registrations.exists() or not event.accepts_registrations:
        return 0
    for user in accounts[:3]:
        services.registration_create(actor=user, event=event, region="rabat-sale")
    services.registration_create(
        actor=None, event=event, name="Awa Koné", phone="06 99 00 00 01", region="rabat-sale"
    )
    return min(len(accounts), 3) + 1


# People followed through the programme: how many reached each step (a believable funnel).
FUNNEL = [
    ("informed", 72),
    ("applied", 58),
    ("selected", 44),
    ("trained", 35),
    ("certified", 27),
]
COHORTS = [
    ("Rabat-Salé — printemps 2026", date(2026, 3, 2), "rabat-sale"),
    ("Tanger-Tétouan — automne 2026", date(2026, 9, 7), "tanger-tetouan"),
]
EVIDENCE = {
    "informed": "Feuille de présence de la séance d'information",
    "applied": "Dossier de candidature reçu",
    "selected": "Procès-verbal du comité de sélection",
    "trained": "Feuilles de présence des ateliers de gestion",
    "certified": "Carte d'auto-entrepreneur vérifiée",
    "business_created": "Statuts déposés",
}
# (business slug, amount in EUR, MAD for 1 EUR, decided on, tranches paid)
GRANTS = [
    ("cooperative-saveurs-du-sahel", "24000", "10.8620", date(2026, 5, 12), 2),
    ("taawuniyat-al-amal-tanger", "18500", "10.9105", date(2026, 7, 3), 1),
    ("atelier-couture-grace", "15000", "10.7980", date(2026, 9, 22), 1),
    ("jp-reparation-telephones", "12000", "10.8340", date(2026, 10, 28), 0),
]


def _step_day(start, step_number, index):
    """Deterministic dates: each step some weeks after the previous one, spread by person."""
    return start + timedelta(days=step_number * 30 + index % 17)


def seed_journeys():
    """Journeys for demo participants (accounts without a password) and the demo entrepreneurs
    who own the demo businesses; rows are written directly, as the history they stand for."""
    from accounts.models import User
    from marketplace.models import Membership
    from programmes.models import Cohort, Journey, JourneyChange, Programme, StepRecord

    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None or programme.journeys.exists():
        return 0
    Programme.objects.filter(pk=programme.pk).update(
        fund_eur=Decimal("100000"), training_sessions_required=3
    )
    manager = User.objects.filter(email="manager@tremplin.example").first()
    cohorts = [
        Cohort.objects.get_or_create(
            programme=programme, name=name, defaults={"starts_on": starts_on}
        )[0]
        for name, starts_on, _region in COHORTS
    ]
    participants = []
    for index in range(FUNNEL[0][1]):
        first, gender = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 5) % len(LAST_NAMES)]
        user = User(
            email=f"participant{index + 1:02d}@tremplin.example",
            display_name=f"{first} {last}",
            gender=gender,
        )
        user.set_unusable_password()
        participants.append(user)
    participants = User.objects.bulk_create(participants, ignore_conflicts=True)
    participants = list(
        User.objects.filter(
            email__startswith="participant", email__endswith="@tremplin.example"
        ).order_by("email")
    )
    owners = {
        membership.user_id: membership.business
        for membership in Membership.objects.filter(
            role=Membership.Role.OWNER, business__status="published"
        ).select_related("business", "user")
    }
    owner_users = list(User.objects.filter(pk__in=owners).order_by("email"))
    people = owner_users + participants
    journeys, records, changes = [], [], []
    for index, person in enumerate(people):
        is_owner = person.pk in owners
        cohort_index = 0 if index % 3 else 1
        _name, start, region = COHORTS[cohort_index]
        start = start - timedelta(days=60)
        reached = [step for step, count in FUNNEL if is_owner or index - len(owner_users) < count]
        if is_owner:
            reached.append("business_created")
        journey = Journey(
            programme=programme,
            person=person,
            cohort=cohorts[cohort_index],
            region=region,
            step=reached[-1],
            business=owners.get(person.pk) if is_owner else None,
            registration_number=f"{2026000000 + index:010d}" if "certified" in reached else "",
            registration_verified_by=manager if "certified" in reached else None,
        )
        journeys.append((journey, reached, start, index))
    Journey.objects.bulk_create([journey for journey, *_rest in journeys])
    today = date.today()
    for journey, reached, start, index in journeys:
        previous = ""
        for number, step in enumerate(reached):
            on = min(_step_day(start, number, index), today)
            records.append(
                StepRecord(
                    journey=journey,
                    step=step,
                    reached_on=on,
                    evidence=EVIDENCE[step],
                    recorded_by=manager,
                )
            )
            changes.append(
                JourneyChange(
                    journey=journey,
                    actor=manager,
                    action="start" if not previous else "advance",
                    from_step=previous,
                    to_step=step,
                    details={"on": on.isoformat(), "evidence": EVIDENCE[step]},
                )
            )
            previous = step
    StepRecord.objects.bulk_create(records)
    JourneyChange.objects.bulk_create(changes)
    return len(journeys) + len(records)


def seed_grants():
    """Grants to demo businesses through the services (the fund's rule holds), with their
    tranches' conditions met and paid as far as each has got."""
    from accounts.models import User
    from marketplace.models import Business
    from programmes import services
    from programmes.models import Programme

    programme = Programme.objects.filter(slug=SLUG).first()
    manager = User.objects.filter(email="manager@tremplin.example").first()
    if programme is None or manager is None or programme.grants.exists():
        return 0
    created = 0
    for slug, amount, rate, decided_on, paid in GRANTS:
        business = Business.objects.filter(slug=slug, status="published").first()
        if business is None:
            continue
        amount = Decimal(amount)
        first = (amount * Decimal("0.6")).quantize(Decimal("1"))
        grant = services.grant_award(
            actor=manager,
            programme=programme,
            business=business,
            amount_eur=amount,
            exchange_rate=rate,
            decided_on=decided_on,
            purpose="Équipement et fonds de roulement du démarrage",
            tranches=[
                {
                    "amount_eur": first,
                    "condition": "Factures pro forma de l'équipement",
                    "due_on": decided_on + timedelta(days=30),
                },
                {
                    "amount_eur": amount - first,
                    "condition": "Rapport d'activité à 6 mois",
                    "due_on": decided_on + timedelta(days=180),
                },
            ],
        )
        for tranche in list(grant.tranches.order_by("number"))[:paid]:
            paid_on = tranche.due_on - timedelta(days=3)
            services.tranche_condition_met(actor=manager, tranche=tranche, on=paid_on)
            services.disbursement_record(
                actor=manager,
                tranche=tranche,
                amount_eur=tranche.amount_eur,
                paid_on=paid_on,
                reference=f"VIR-{decided_on:%Y%m}-{grant.pk:03d}-{tranche.number}",
            )
        created += 1
    return created


def steps():
    return [
        ("programme Work4Integration", seed_programme),
        ("event registrations and attendance", seed_attendance),
        ("journeys of the programme's participants", seed_journeys),
        ("start-up grants", seed_grants),
    ]
