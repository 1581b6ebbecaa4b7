"""Read-only JSON API of the public marketplace: published businesses and their offers."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from config.pagination import BoundedPageNumberPagination
from config.schemas import Slug, one_of
from marketplace import queries
from marketplace.forms import DirectoryFilterForm
from marketplace.models import Application, Institution, Offer, Opportunity

router = Router(tags=["marketplace"])


class OfferOut(Schema):
    id: int
    title: str
    description: str
    price_mad: Decimal | None
    availability: str


class ContactOut(Schema):
    kind: str
    value: str


class BusinessCardOut(Schema):
    slug: str
    name: str
    tagline: str
    content_language: str
    legal_form: str
    stage: str
    sector: str
    region: str
    city: str
    languages: list[str]
    tags: list[str]
    url: str

    @staticmethod
    def resolve_languages(business):
        return [language.code for language in business.languages.all()]

    @staticmethod
    def resolve_tags(business):
        return [tag.name for tag in business.tags.all()]

    @staticmethod
    def resolve_url(business, context):
        return context["request"].build_absolute_uri(business.get_absolute_url())


class BusinessOut(BusinessCardOut):
    description: str
    offers: list[OfferOut]
    contact: list[ContactOut]

    @staticmethod
    def resolve_offers(business):
        return list(business.offers.all())

    @staticmethod
    def resolve_contact(business, context):
        user = context["request"].user
        return [{"kind": k, "value": v} for k, v in business.contact_channels_for(user)]


class DirectoryFilters(Schema):
    # The directory form's choices: a value the schema allows is one the form accepts.
    sector: one_of(DirectoryFilterForm, "sector") | None = None
    region: one_of(DirectoryFilterForm, "region") | None = None
    city: one_of(DirectoryFilterForm, "city") | None = None
    stage: one_of(DirectoryFilterForm, "stage") | None = None
    language: one_of(DirectoryFilterForm, "language") | None = None
    tag: Slug | None = None


@router.get("/businesses", response=list[BusinessCardOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=20)
def list_businesses(request, filters: Query[DirectoryFilters]):
    """Published businesses, with the directory's filters."""
    form = DirectoryFilterForm(filters.dict(exclude_none=True))
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        raise HttpError(400, _("Invalid filter: %(fields)s.") % {"fields": fields})
    return queries.directory(form.cleaned_data)


@router.get("/businesses/{slug}", response=BusinessOut, auth=None)
def get_business(request, slug: str):
    """One published business with its offers and the contact channels the caller may see."""
    business = queries.public_business(slug)
    if business is None:
        raise HttpError(404, _("No published business has this address."))
    return business


class InstitutionOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    regions: list[str]
    website: str


class OpportunityOut(Schema):
    slug: str
    title: str
    kind: str
    institution: str
    description: str
    eligibility: str
    opens_at: datetime
    closes_at: datetime
    status: str
    capacity: int | None

    @staticmethod
    def resolve_institution(opportunity):
        return opportunity.institution.slug


class ApplicationOut(Schema):
    id: int
    opportunity: str
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None

    @staticmethod
    def resolve_opportunity(application):
        return application.opportunity.slug


@router.get("/institutions", response=list[InstitutionOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_institutions(request):
    """Partner institutions shown in the directory."""
    return Institution.objects.filter(is_public=True).order_by("name")


@router.get("/opportunities", response=list[OpportunityOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_opportunities(request):
    """Published opportunities that have not closed yet, soonest deadline first."""
    return (
        Opportunity.objects.filter(is_published=True, closes_at__gt=timezone.now())
        .select_related("institution")
        .order_by("closes_at", "pk")
    )


@router.get("/my/applications", response=list[ApplicationOut], auth=django_auth)
def my_applications(request):
    """The signed-in person's own applications (session authentication)."""
    return Application.objects.filter(applicant=request.user).select_related("opportunity")


class BusinessOfferOut(OfferOut):
    business: str

    @staticmethod
    def resolve_business(offer):
        return offer.business.slug


@router.get("/offers", response=list[BusinessOfferOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_offers(request):
    """Offers of published businesses."""
    return (
        Offer.objects.filter(business__status="published")
        .select_related("business")
        .order_by("business__name", "position", "pk")
    )
