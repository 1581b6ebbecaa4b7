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


def steps():
    return [
        ("programme Work4Integration", seed_programme),
        ("event registrations and attendance", seed_attendance),
    ]
