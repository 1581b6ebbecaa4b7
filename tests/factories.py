"""Test data: factory_boy factories for models, builders for Wagtail pages (which must be added
to the tree through their parent)."""

import itertools
from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from accounts.models import User
from cms import models as cms

PASSWORD = "correct-horse-battery-staple"
_slugs = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def publish(page):
    page.save_revision().publish()
    return page


def add_page(parent, model, **fields):
    page = model(**fields)
    parent.add_child(instance=page)
    return publish(page)


def build_home():
    """A French home page as the default site's root, with Arabic and English translations."""
    root = Page.get_first_root_node()
    home = add_page(
        root,
        cms.HomePage,
        title="Accueil",
        slug="accueil",
        hero_title="Lancez votre entreprise",
        locale=Locale.objects.get(language_code="fr"),
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    for language, title in (("ar", "الرئيسية"), ("en", "Home")):
        translation = home.copy_for_translation(Locale.objects.get(language_code=language))
        translation.title = title
        translation.hero_title = title
        publish(translation)
    return cms.HomePage.objects.get(pk=home.pk)


def translate(page, language, **fields):
    translation = page.copy_for_translation(
        Locale.objects.get(language_code=language), copy_parents=True
    )
    for name, value in fields.items():
        setattr(translation, name, value)
    return publish(translation)


def call_page(parent, *, opens_in_days=-1, closes_in_days=10, **fields):
    now = timezone.now()
    defaults = {
        "title": "Fonds d'amorçage",
        "intro": "Jusqu'à 25 000 MAD.",
        "eligibility": "<p>Entrepreneurs migrants.</p>",
        "how_to_apply": "<p>En ligne.</p>",
        "opens_at": now + timedelta(days=opens_in_days),
        "closes_at": now + timedelta(days=closes_in_days),
    }
    defaults.update(fields)
    defaults.setdefault("slug", f"appel-{next(_slugs)}")
    return add_page(parent, cms.CallForApplicationsPage, **defaults)


def event_page(parent, *, starts_in_days=5, hours=2, **fields):
    start = timezone.now() + timedelta(days=starts_in_days)
    defaults = {
        "title": "Atelier",
        "intro": "Un atelier.",
        "start_at": start,
        "end_at": start + timedelta(hours=hours),
        "region": cms.Region.RABAT_SALE,
        "venue": "Salé",
    }
    defaults.update(fields)
    return add_page(parent, cms.EventPage, **defaults)


def news_article(parent, **fields):
    defaults = {
        "title": "Une nouvelle",
        "intro": "Le résumé.",
        "body": [{"type": "paragraph", "value": "<p>Le texte.</p>"}],
    }
    defaults.update(fields)
    tags = defaults.pop("tags", [])
    page = cms.NewsArticlePage(**defaults)
    parent.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    return publish(page)


def conversation_about_business():
    """(owner, buyer, conversation): a buyer writing to an entrepreneur about their business."""
    from accounts import roles
    from messaging import services

    owner = UserFactory(roles=[roles.ENTREPRENEUR])
    buyer = UserFactory()
    return owner, buyer, services.conversation_with_business(actor=buyer, business=business(owner))


def business(owner, *, status="published", **fields):
    """A business owned by `owner`, brought to `status` through the services."""
    from marketplace import services
    from marketplace.models import Business

    defaults = {
        "name": f"Entreprise {next(_slugs)}",
        "legal_form": "cooperative",
        "stage": "operating",
        "sector": "food",
        "region": "rabat-sale-kenitra",
        "city": "Salé",
    }
    defaults.update(fields)
    created = services.business_create(actor=owner, **defaults)
    if status != "draft":
        Business.objects.filter(pk=created.pk).update(status=status)
        created.refresh_from_db()
    return created


def institution(*, staff=(), **fields):
    from django.utils.text import slugify

    from marketplace.models import Institution, InstitutionStaff

    number = next(_slugs)
    defaults = {"name": f"Institution {number}", "kind": "ngo"}
    defaults.update(fields)
    defaults.setdefault("slug", slugify(defaults["name"]) + f"-{number}")
    created = Institution.objects.create(**defaults)
    for user in staff:
        InstitutionStaff.objects.create(institution=created, user=user)
    return created


def opportunity(
    institution, *, opens_in_days=-1, closes_in_days=10, questions=(), criteria=(), **f
):
    from marketplace.models import Criterion, Opportunity, Question

    now = timezone.now()
    number = next(_slugs)
    defaults = {
        "title": f"Fonds {number}",
        "slug": f"fonds-{number}",
        "kind": "funding",
        "opens_at": now + timedelta(days=opens_in_days),
        "closes_at": now + timedelta(days=closes_in_days),
        "is_published": True,
    }
    defaults.update(f)
    created = Opportunity.objects.create(institution=institution, **defaults)
    for position, (label, kind, required) in enumerate(questions):
        choices = "Oui\nNon" if kind == "choice" else ""
        Question.objects.create(
            opportunity=created,
            label=label,
            kind=kind,
            required=required,
            choices=choices,
            position=position,
        )
    for position, (label, weight) in enumerate(criteria):
        Criterion.objects.create(opportunity=created, label=label, weight=weight, position=position)
    return created


def programme(*, institutions=(), targets=(), **fields):
    """A programme (the two pilot regions by default) with its institutions and targets, given
    as (indicator, target value) pairs."""
    from datetime import date

    from programmes.models import Programme, Target

    number = next(_slugs)
    defaults = {
        "name": f"Programme {number}",
        "slug": f"programme-{number}",
        "funder": "Union européenne",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2028, 12, 31),
        "regions": ["rabat-sale", "tanger-tetouan"],
    }
    defaults.update(fields)
    created = Programme.objects.create(**defaults)
    created.institutions.add(*institutions)
    for indicator, value in targets:
        Target.objects.create(programme=created, indicator=indicator, target_value=value)
    return created


def registration(event, *, user=None, **fields):
    """A registration through the service: `user`, or a person without an account."""
    from programmes import services

    if user is None:
        fields.setdefault("name", f"Personne {next(_slugs)}")
        fields.setdefault("phone", f"06 {next(_slugs) % 100:02d} 00 {next(_slugs) % 100:02d} 11")
    return services.registration_create(actor=user, event=event, **fields)
