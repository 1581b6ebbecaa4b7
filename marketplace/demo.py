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


INSTITUTIONS = [
    {
        "slug": "maroc-pme",
        "name": "Maroc PME",
        "kind": "public-agency",
        "description": "Agence nationale de promotion de la petite et moyenne entreprise : "
        "accompagnement à la création, au statut d'auto-entrepreneur et au financement.",
        "regions": ["rabat-sale-kenitra", "tanger-tetouan-al-hoceima"],
        "website": "https://marocpme.example",
        "staff": ["institution@tremplin.example"],
    },
    {
        "slug": "odco",
        "name": "Office du développement de la coopération (ODCO)",
        "kind": "chamber",
        "description": "Accompagne la création et la vie des coopératives.",
        "regions": ["rabat-sale-kenitra", "tanger-tetouan-al-hoceima"],
        "staff": [],
    },
    {
        "slug": "entraide-nationale",
        "name": "Entraide nationale",
        "kind": "public-agency",
        "description": "Centres de formation et d'éducation, appui aux activités génératrices de "
        "revenus.",
        "regions": ["rabat-sale-kenitra", "tanger-tetouan-al-hoceima"],
        "staff": [],
    },
]

OPPORTUNITIES = [
    {
        "slug": "fonds-amorcage-2026",
        "institution": "maroc-pme",
        "title": "Fonds d'amorçage 2026",
        "kind": "call",
        "description": "Jusqu'à 25 000 MAD pour lancer ou consolider votre activité, avec six "
        "mois de mentorat.",
        "eligibility": "Entrepreneurs migrants de Rabat/Salé et Tanger/Tétouan.",
        "opens": -10,
        "closes": 35,
        "capacity": 20,
        "cms_call": "appel-fonds-amorcage",
        "questions": [
            ("Présentez votre projet en quelques lignes", "long", True),
            ("Votre activité a-t-elle déjà des clients ?", "yes-no", True),
            ("Montant demandé", "choice", True),
            ("Plan d'affaires (PDF)", "file", False),
        ],
        "choices": "Moins de 10 000 MAD\n10 000 à 25 000 MAD",
        "criteria": [("Viabilité économique", 3), ("Impact social", 2), ("Motivation", 1)],
    },
    {
        "slug": "formation-gestion-printemps",
        "institution": "entraide-nationale",
        "title": "Formation à la gestion d'entreprise",
        "kind": "training",
        "description": "Douze semaines de formation du soir, gratuites.",
        "eligibility": "Toute personne porteuse d'un projet.",
        "opens": -3,
        "closes": 60,
        "capacity": 30,
        "questions": [("Pourquoi cette formation ?", "long", True)],
        "criteria": [("Motivation", 1)],
    },
]

APPLICATIONS = [
    # (applicant e-mail, opportunity slug, final status, scores by the demo reviewer)
    ("fatou@tremplin.example", "fonds-amorcage-2026", "shortlisted", (8, 9, 7)),
    ("ibrahim@tremplin.example", "fonds-amorcage-2026", "under-review", (6, 8, 9)),
    ("jean@tremplin.example", "fonds-amorcage-2026", "submitted", None),
    ("moussa@tremplin.example", "fonds-amorcage-2026", "draft", None),
    ("grace@tremplin.example", "formation-gestion-printemps", "submitted", None),
]


def seed_institutions():
    from datetime import timedelta

    from marketplace.models import Criterion, Institution, InstitutionStaff, Opportunity, Question

    created = 0
    for spec in INSTITUTIONS:
        institution, made = Institution.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                key: spec[key] for key in ("name", "kind", "description", "regions") if key in spec
            }
            | {"website": spec.get("website", "")},
        )
        created += made
        for email in spec["staff"]:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                InstitutionStaff.objects.get_or_create(institution=institution, user=user)
    # Opportunities open and close at midnight, Casablanca time.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for spec in OPPORTUNITIES:
        if Opportunity.objects.filter(slug=spec["slug"]).exists():
            continue
        opportunity = Opportunity.objects.create(
            slug=spec["slug"],
            institution=Institution.objects.get(slug=spec["institution"]),
            title=spec["title"],
            kind=spec["kind"],
            description=spec["description"],
            eligibility=spec["eligibility"],
            regions=["rabat-sale-kenitra", "tanger-tetouan-al-hoceima"],
            opens_at=midnight + timedelta(days=spec["opens"]),
            closes_at=midnight + timedelta(days=spec["closes"]),
            capacity=spec["capacity"],
            is_published=True,
        )
        for position, (label, kind, required) in enumerate(spec["questions"]):
            Question.objects.create(
                opportunity=opportunity,
                label=label,
                kind=kind,
                required=required,
                choices=spec.get("choices", "") if kind == "choice" else "",
                position=position,
            )
        for position, (label, weight) in enumerate(spec["criteria"]):
            Criterion.objects.create(
                opportunity=opportunity, label=label, weight=weight, position=position
            )
        if spec.get("cms_call"):
            _link_cms_call(spec["cms_call"], opportunity)
        created += 1
    return created


def _link_cms_call(slug, opportunity):
    from cms.models import CallForApplicationsPage

    for page in CallForApplicationsPage.objects.filter(slug=slug):
        page.opportunity = opportunity
        page.save_revision().publish()


def seed_applications():
    from marketplace.models import Application, Opportunity

    reviewer = User.objects.filter(email__iexact="institution@tremplin.example").first()
    created = 0
    for email, slug, status, scores in APPLICATIONS:
        applicant = User.objects.filter(email__iexact=email).first()
        opportunity = Opportunity.objects.filter(slug=slug).first()
        if applicant is None or opportunity is None:
            continue
        if Application.objects.filter(opportunity=opportunity, applicant=applicant).exists():
            continue
        answers = {}
        for question in opportunity.questions.all():
            if question.kind == "long":
                answers[question.field_name] = "Développer notre activité et embaucher."
            elif question.kind == "yes-no":
                answers[question.field_name] = "yes"
            elif question.kind == "choice":
                answers[question.field_name] = question.choice_list[-1]
        application = services.application_save(
            actor=applicant, opportunity=opportunity, answers=answers
        )
        created += 1
        if status == "draft":
            continue
        services.application_submit(actor=applicant, application=application)
        if status == "submitted" or reviewer is None:
            continue
        services.application_transition(
            actor=reviewer, application=application, action="start_review"
        )
        if scores:
            criteria = opportunity.criteria.order_by("position")
            services.review_submit(
                actor=reviewer,
                application=application,
                scores={c.pk: value for c, value in zip(criteria, scores, strict=True)},
            )
        if status == "shortlisted":
            services.application_transition(
                actor=reviewer, application=application, action="shortlist"
            )
    return created


def steps():
    return [
        ("businesses", seed_businesses),
        ("institutions and opportunities", seed_institutions),
        ("applications", seed_applications),
    ]
