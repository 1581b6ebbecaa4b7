"""Demo mentors for `seed_demo`: several languages, both of the programme's regions, one in
Paris time; mentorships at every stage, availability, booked and past sessions.

Idempotent: a mentor is looked up by e-mail, a mentorship by its pair; nothing is duplicated.
The demo mentor (mentor@tremplin.example) and entrepreneur (entrepreneur@tremplin.example)
log in with the demo password and see a working mentoring space.
"""

from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import User
from marketplace.models import Business
from mentoring import services
from mentoring.models import (
    AvailabilityWindow,
    Booking,
    BookingStatus,
    MentorProfile,
    Mentorship,
    SessionNote,
    SessionRating,
    TimelineEvent,
)

MENTORS = [
    {
        "email": "mentor@tremplin.example",
        "name": "Karim Tazi",
        "language": "fr",
        "time_zone": "Africa/Casablanca",
        "published": True,
        "profile": {
            "headline": "Expert-comptable, 20 ans auprès des petites entreprises",
            "bio": "J'aide les auto-entrepreneurs et les coopératives à tenir leurs comptes, "
            "à choisir leur statut et à préparer un dossier de financement.",
            "topics": ["accounting", "funding", "legal-status"],
            "tags": ["fiscalité", "plan de financement"],
            "sectors": ["trade", "services", "food"],
            "languages": ["fr", "ar", "ary"],
            "regions": ["rabat-sale-kenitra"],
            "formats": ["in_person", "video", "phone"],
            "years_experience": 20,
            "capacity": 4,
        },
        "windows": [(0, time(9), time(12)), (2, time(14), time(17)), (4, time(9), time(12))],
    },
    {
        "email": "claire.dubois@tremplin.example",
        "name": "Claire Dubois",
        "language": "fr",
        "time_zone": "Europe/Paris",
        "published": True,
        "profile": {
            "headline": "Marketing digital pour les commerces de proximité",
            "bio": "Depuis Paris, j'accompagne des artisanes et des commerçants : réseaux "
            "sociaux, photos des produits, vente en ligne.",
            "topics": ["marketing", "digital"],
            "tags": ["Instagram", "WhatsApp Business"],
            "sectors": ["crafts", "textile", "beauty"],
            "languages": ["fr", "en"],
            "regions": [],
            "formats": ["video"],
            "years_experience": 9,
            "capacity": 3,
        },
        "windows": [(1, time(18), time(20)), (3, time(18), time(20)), (5, time(10), time(12))],
    },
    {
        "email": "hassan.amrani@tremplin.example",
        "name": "حسن العمراني",
        "language": "ar",
        "time_zone": "Africa/Casablanca",
        "published": True,
        "profile": {
            "headline": "مكوّن في تسيير التعاونيات",
            "bio": "أرافق التعاونيات في طنجة وتطوان: التنظيم، التكوين، والبحث عن مقر.",
            "topics": ["training", "premises", "legal-status"],
            "tags": ["تعاونيات"],
            "sectors": ["agriculture", "food", "crafts"],
            "languages": ["ar", "ary", "fr", "es"],
            "regions": ["tanger-tetouan-al-hoceima"],
            "formats": ["in_person"],
            "years_experience": 12,
            "capacity": 3,
        },
        "windows": [(0, time(15), time(18)), (3, time(9), time(12))],
    },
    {
        "email": "awa.ndiaye@tremplin.example",
        "name": "Awa Ndiaye",
        "language": "fr",
        "time_zone": "Africa/Casablanca",
        "published": True,
        "profile": {
            "headline": "Entrepreneuse à Rabat depuis 2015, restauration et traiteur",
            "bio": "Arrivée de Dakar, j'ai créé mon restaurant à Rabat. Je partage ce que j'ai "
            "appris : les clients, les prix, la comptabilité simple.",
            "topics": ["marketing", "accounting", "mentoring"],
            "tags": ["restauration", "prix de revient"],
            "sectors": ["food", "trade"],
            "languages": ["fr", "wo", "bm"],
            "regions": ["rabat-sale-kenitra"],
            "formats": ["in_person", "video", "phone"],
            "years_experience": 10,
            "capacity": 2,
        },
        "windows": [(1, time(10), time(13)), (5, time(9), time(11))],
    },
    {
        "email": "omar.benjelloun@tremplin.example",
        "name": "Omar Benjelloun",
        "language": "fr",
        "time_zone": "Africa/Casablanca",
        "published": True,
        "paused": True,
        "profile": {
            "headline": "Banquier, microcrédit et financement",
            "bio": "Je connais les dossiers de microcrédit et les fonds de garantie.",
            "topics": ["funding"],
            "tags": ["microcrédit"],
            "sectors": ["trade", "transport"],
            "languages": ["fr", "ar"],
            "regions": ["rabat-sale-kenitra", "casablanca-settat"],
            "formats": ["in_person", "video"],
            "years_experience": 15,
            "capacity": 2,
        },
        "windows": [(2, time(9), time(11))],
    },
    {
        "email": "sofia.alami@tremplin.example",
        "name": "Sofia Alami",
        "language": "en",
        "time_zone": "Africa/Casablanca",
        "published": False,  # submitted, waiting for the programme's review
        "profile": {
            "headline": "IT consultant: websites and online payments",
            "bio": "I help small businesses sell online and take card payments.",
            "topics": ["digital"],
            "tags": ["e-commerce"],
            "sectors": ["it", "services"],
            "languages": ["en", "fr", "ar"],
            "regions": ["casablanca-settat"],
            "formats": ["video"],
            "years_experience": 6,
            "capacity": 3,
        },
        "windows": [(4, time(17), time(19))],
    },
]

# (entrepreneur e-mail, business slug or None, mentor e-mail, stage)
MENTORSHIPS = [
    ("entrepreneur@tremplin.example", None, "mentor@tremplin.example", "active"),
    (
        "fatou@tremplin.example",
        "cooperative-saveurs-du-sahel",
        "awa.ndiaye@tremplin.example",
        "active",
    ),
    ("moussa@tremplin.example", "transport-moussa", "mentor@tremplin.example", "requested"),
    (
        "jean@tremplin.example",
        "jp-reparation-telephones",
        "claire.dubois@tremplin.example",
        "requested",
    ),
    (
        "ibrahim@tremplin.example",
        "taawuniyat-al-amal-tanger",
        "hassan.amrani@tremplin.example",
        "requested",
    ),
    (
        "grace@tremplin.example",
        "atelier-couture-grace",
        "claire.dubois@tremplin.example",
        "declined",
    ),
    (
        "mariam@tremplin.example",
        "salon-beaute-mariam",
        "hassan.amrani@tremplin.example",
        "completed",
    ),
]


def _mentor_user(spec):
    user = User.objects.filter(email__iexact=spec["email"]).first()
    if user is None:
        user = User.objects.create_user(
            email=spec["email"],
            password=None,
            display_name=spec["name"],
            preferred_language=spec["language"],
            time_zone=spec["time_zone"],
            email_verified_at=timezone.now(),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.MENTOR))
    return user


def seed_mentors():
    created = 0
    for spec in MENTORS:
        user = _mentor_user(spec)
        if MentorProfile.objects.filter(user=user, bio__gt="").exists():
            continue
        profile = services.mentor_profile_save(
            actor=user,
            time_zone=spec["time_zone"],
            session_lengths=[30, 60],
            minimum_notice_hours=12,
            booking_horizon_days=60,
            **spec["profile"],
        )
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(mentor=profile, weekday=day, starts=starts, ends=ends)
            for day, starts, ends in spec["windows"]
        )
        services.mentor_profile_submit(actor=user)
        if spec["published"]:
            MentorProfile.objects.filter(pk=profile.pk).update(
                is_published=True, submitted_at=None, is_paused=spec.get("paused", False)
            )
        created += 1
    return created


def _book_next_free(mentorship, agenda):
    mentor = mentorship.mentor
    first = timezone.localdate() + timedelta(days=1)
    for offset in range(0, 28, 7):
        day = first + timedelta(days=offset)
        slots = services.mentor_free_slots(
            mentor, length=60, first_day=day, last_day=day + timedelta(days=6)
        )
        if slots:
            return services.booking_create(
                actor=mentorship.entrepreneur,
                mentorship=mentorship,
                starts_at=slots[0],
                length=60,
                agenda=agenda,
                format="video",
                place="https://meet.jit.si/tremplin-demo",
            )
    return None


def _past_session(mentorship, days_ago, note, rating):
    """A session already held: written directly, since no one can book in the past."""
    day = timezone.localdate() - timedelta(days=days_ago)
    starts = timezone.make_aware(timezone.datetime.combine(day, time(10)))
    booking = Booking.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        blocked_until=starts + timedelta(hours=1, minutes=15),
        status=BookingStatus.HELD,
        format="in_person",
        place="Tremplin, Rabat",
        agenda="Premier point : où en est l'activité, quels chiffres suivre.",
        recorded_at=starts + timedelta(hours=1),
    )
    TimelineEvent.objects.create(
        mentorship=mentorship,
        kind=TimelineEvent.Kind.HELD,
        actor=mentorship.mentor.user,
        created_at=starts + timedelta(hours=1),
        session_at=starts,
    )
    SessionNote.objects.create(booking=booking, author=mentorship.mentor.user, text=note)
    SessionRating.objects.create(booking=booking, score=rating, comment="Très concret, merci !")
    return booking


def seed_mentorships():
    created = 0
    for email, slug, mentor_email, stage in MENTORSHIPS:
        entrepreneur = User.objects.filter(email__iexact=email).first()
        mentor = MentorProfile.objects.filter(user__email__iexact=mentor_email).first()
        if entrepreneur is None or mentor is None:
            continue
        if Mentorship.objects.filter(mentor=mentor, entrepreneur=entrepreneur).exists():
            continue
        business = Business.objects.filter(slug=slug).first() if slug else None
        mentorship = services.mentorship_request(
            actor=entrepreneur,
            mentor=mentor,
            business=business,
            message="Bonjour, j'aimerais votre aide pour structurer mon activité.",
        )
        created += 1
        if stage == "requested":
            continue
        if stage == "declined":
            services.mentorship_decline(
                actor=mentor.user,
                mentorship=mentorship,
                reason="Je ne connais pas assez la couture ; essayez Awa Ndiaye.",
            )
            continue
        mentorship = services.mentorship_accept(actor=mentor.user, mentorship=mentorship)
        goal = services.goal_add(
            actor=entrepreneur,
            mentorship=mentorship,
            title="Tenir un cahier de recettes et dépenses chaque semaine",
            target_date=timezone.localdate() + timedelta(days=30),
        )
        services.goal_update(actor=mentor.user, goal=goal, progress=40)
        services.goal_add(
            actor=mentor.user,
            mentorship=mentorship,
            title="Préparer le dossier de demande de financement",
            target_date=timezone.localdate() + timedelta(days=75),
        )
        _past_session(
            mentorship,
            days_ago=10,
            note="À faire : ouvrir un compte séparé pour l'activité.",
            rating=5,
        )
        if stage == "completed":
            services.mentorship_end(actor=mentor.user, mentorship=mentorship, completed=True)
            continue
        _book_next_free(mentorship, "Revoir le cahier de recettes ensemble.")
    return created


def steps():
    return [("mentors", seed_mentors), ("mentorships and sessions", seed_mentorships)]
