"""Demo businesses for `seed_demo`: cooperatives with co-owners and solo businesses in both of
the programme's regions, in French and in Arabic, at several stages of their lifecycle.

Idempotent: a business is looked up by its slug and only created when missing.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from marketplace import services
from marketplace.models import Business, Membership

PEOPLE = [
    # (e-mail, display name, preferred language)
    ("fatou@tremplin.example", "Fatou Sow", "fr"),
    ("moussa@tremplin.example", "Moussa Keïta", "fr"),
    ("grace@tremplin.example", "Grace Mbala", "fr"),
    ("ibrahim@tremplin.example", "إبراهيم حسن", "ar"),
    ("mariam@tremplin.example", "مريم يوسف", "ar"),
    ("jean@tremplin.example", "Jean-Paul Ndiaye", "en"),
]

BUSINESSES = [
    {
        "slug": "cooperative-saveurs-du-sahel",
        "owners": ["fatou@tremplin.example", "moussa@tremplin.example", "grace@tremplin.example"],
        "status": "published",
        "fields": {
            "name": "Coopérative Saveurs du Sahel",
            "tagline": "Cuisine ouest-africaine faite maison, traiteur pour vos événements",
            "description": "Nous sommes cinq cuisinières et cuisiniers venus du Sénégal, du Mali "
            "et de Côte d'Ivoire. Thieboudienne, mafé, alloco : nous livrons à Rabat et Salé "
            "et préparons des buffets pour les mariages et les séminaires.",
            "content_language": "fr",
            "legal_form": "cooperative",
            "stage": "operating",
            "sector": "food",
            "region": "rabat-sale-kenitra",
            "city": "Salé",
            "needs": ["premises", "marketing"],
            "phone": "+212 6 00 00 00 01",
            "phone_visibility": "public",
            "whatsapp": "+212 6 00 00 00 01",
            "whatsapp_visibility": "members",
        },
        "languages": ["fr", "wo", "bm", "ary"],
        "tags": ["traiteur", "cuisine africaine", "livraison"],
        "offers": [
            ("Plateau thieboudienne (6 personnes)", 250),
            ("Buffet pour événements", None),
        ],
    },
    {
        "slug": "atelier-couture-grace",
        "owners": ["grace@tremplin.example"],
        "status": "published",
        "fields": {
            "name": "Atelier Couture Grâce",
            "tagline": "Retouches, wax et tenues sur mesure",
            "description": "Couture sur mesure en tissu wax et retouches rapides, au cœur de "
            "la médina de Rabat.",
            "content_language": "fr",
            "legal_form": "auto-entrepreneur",
            "stage": "operating",
            "sector": "textile",
            "region": "rabat-sale-kenitra",
            "city": "Rabat",
            "needs": ["funding", "digital"],
            "website": "https://couture-grace.example",
            "website_visibility": "public",
        },
        "languages": ["fr", "ln", "en"],
        "tags": ["wax", "sur mesure"],
        "offers": [("Robe en wax sur mesure", 450), ("Retouche simple", 40)],
    },
    {
        "slug": "taawuniyat-al-amal-tanger",
        "owners": ["ibrahim@tremplin.example", "mariam@tremplin.example"],
        "status": "published",
        "fields": {
            "name": "تعاونية الأمل للصناعة التقليدية",
            "tagline": "سلال وزرابي منسوجة يدويًا في طنجة",
            "description": "تعاونية تجمع حرفيين مهاجرين ومغاربة، نصنع السلال والزرابي "
            "بمواد طبيعية ونبيعها في أسواق طنجة وتطوان.",
            "content_language": "ar",
            "legal_form": "cooperative",
            "stage": "operating",
            "sector": "crafts",
            "region": "tanger-tetouan-al-hoceima",
            "city": "Tanger",
            "needs": ["marketing", "training"],
            "phone": "+212 6 00 00 00 02",
            "phone_visibility": "members",
        },
        "languages": ["ar", "ary", "fr"],
        "tags": ["artisanat", "tapis"],
        "offers": [("سلة منسوجة يدويًا", 120), ("زربية صغيرة", None)],
    },
    {
        "slug": "jp-reparation-telephones",
        "owners": ["jean@tremplin.example"],
        "status": "published",
        "fields": {
            "name": "JP Phone Repair",
            "tagline": "Phone and laptop repairs while you wait",
            "description": "Screens, batteries and charging ports replaced in under an hour, "
            "with a three-month guarantee. Near the Tétouan bus station.",
            "content_language": "en",
            "legal_form": "auto-entrepreneur",
            "stage": "operating",
            "sector": "it",
            "region": "tanger-tetouan-al-hoceima",
            "city": "Tétouan",
            "needs": ["accounting"],
            "email": "jp-repair@tremplin.example",
            "email_visibility": "public",
        },
        "languages": ["en", "fr", "wo"],
        "tags": ["réparation", "téléphones"],
        "offers": [("Screen replacement", 300)],
    },
    {
        "slug": "salon-beaute-mariam",
        "owners": ["mariam@tremplin.example"],
        "status": "submitted",
        "fields": {
            "name": "صالون مريم للتجميل",
            "tagline": "تسريحات أفريقية وضفائر",
            "description": "صالون صغير في طنجة متخصص في الضفائر والتسريحات الأفريقية.",
            "content_language": "ar",
            "legal_form": "informal",
            "stage": "starting",
            "sector": "beauty",
            "region": "tanger-tetouan-al-hoceima",
            "city": "Tanger",
            "needs": ["legal-status", "premises"],
        },
        "languages": ["ar", "fr"],
        "tags": ["coiffure"],
        "offers": [],
    },
    {
        "slug": "transport-moussa",
        "owners": ["moussa@tremplin.example"],
        "status": "draft",
        "fields": {
            "name": "Moussa Transport",
            "tagline": "Petits déménagements et livraisons",
            "description": "Un triporteur et deux bras pour vos livraisons dans Salé.",
            "content_language": "fr",
            "legal_form": "informal",
            "stage": "idea",
            "sector": "transport",
            "region": "rabat-sale-kenitra",
            "city": "Salé",
            "needs": ["funding", "legal-status"],
        },
        "languages": ["fr", "bm"],
        "tags": [],
        "offers": [],
    },
]


def _people():
    group = Group.objects.get(name="Entrepreneurs")
    people = {}
    for email, name, language in PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                display_name=name,
                preferred_language=language,
                email_verified_at=timezone.now(),
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
            user.consents.create(document="terms", version=settings.TERMS_VERSION)
        people[email] = user
    entrepreneur = User.objects.filter(email__iexact="entrepreneur@tremplin.example").first()
    if entrepreneur is not None:
        people["entrepreneur@tremplin.example"] = entrepreneur
    return people


def seed_businesses():
    """Create the demo businesses that are missing; return how many were created."""
    people = _people()
    manager = User.objects.filter(email__iexact="manager@tremplin.example").first()
    created = 0
    for spec in BUSINESSES:
        if Business.objects.filter(slug=spec["slug"]).exists():
            continue
        owners = [people[email] for email in spec["owners"]]
        business = services.business_create(
            actor=owners[0],
            languages=spec["languages"],
            tags=spec["tags"],
            **spec["fields"],
        )
        Business.objects.filter(pk=business.pk).update(slug=spec["slug"])
        business.refresh_from_db()
        for owner in owners[1:]:
            Membership.objects.create(business=business, user=owner, role=Membership.Role.OWNER)
        for position, (title, price) in enumerate(spec["offers"]):
            services.offer_save(
                actor=owners[0], business=business, title=title, price_mad=price, position=position
            )
        if spec["status"] != "draft":
            services.business_transition(actor=owners[0], business=business, action="submit")
        if spec["status"] == "published" and manager is not None:
            services.business_transition(actor=manager, business=business, action="publish")
        created += 1
    return created


def steps():
    return [("businesses", seed_businesses)]
