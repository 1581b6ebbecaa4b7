"""Businesses of the programme's entrepreneurs: owners, offers, inquiries, and their audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from config.signals import NotifyingQuerySet
from marketplace.geography import CITY_CHOICES, REGIONS
from marketplace.images import validate_uploaded_image


class LegalForm(models.TextChoices):
    INFORMAL = "informal", _("Informal activity")
    AUTO_ENTREPRENEUR = "auto-entrepreneur", _("Auto-entrepreneur")
    COOPERATIVE = "cooperative", _("Cooperative")
    SARL = "sarl", _("SARL (limited company)")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    STARTING = "starting", _("Starting")
    OPERATING = "operating", _("Operating")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    CRAFTS = "crafts", _("Crafts")
    FOOD = "food", _("Food")
    BEAUTY = "beauty", _("Beauty and hair")
    TEXTILE = "textile", _("Textile and tailoring")
    TRADE = "trade", _("Trade")
    SERVICES = "services", _("Services")
    IT = "it", _("IT")
    TRANSPORT = "transport", _("Transport")
    CONSTRUCTION = "construction", _("Construction")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Need(models.TextChoices):
    FUNDING = "funding", _("Funding")
    ACCOUNTING = "accounting", _("Accounting")
    LEGAL_STATUS = "legal-status", _("Legal status")
    MARKETING = "marketing", _("Marketing")
    DIGITAL = "digital", _("Digital tools")
    TRAINING = "training", _("Training")
    PREMISES = "premises", _("Premises")
    MENTORING = "mentoring", _("Mentoring")


# Languages people in the programme speak with customers; codes are ISO 639.
SPOKEN_LANGUAGES = [
    ("ar", _("Arabic")),
    ("ary", _("Darija (Moroccan Arabic)")),
    ("zgh", _("Tamazight")),
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("wo", _("Wolof")),
    ("bm", _("Bambara")),
    ("ff", _("Fula")),
    ("ln", _("Lingala")),
    ("pt", _("Portuguese")),
]

CONTENT_LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members only")
    NOBODY = "nobody", _("Nobody")


class BusinessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes-requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by its owners")
    SUSPENDED = "suspended", _("Suspended")


class BusinessQuerySet(NotifyingQuerySet):
    def published(self):
        return self.filter(status=BusinessStatus.PUBLISHED)

    def of_member(self, user):
        return self.filter(memberships__user=user)


class Business(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address on the site"), max_length=140, unique=True)
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    content_language = models.CharField(
        _("language of the text"),
        max_length=8,
        choices=CONTENT_LANGUAGES,
        default="fr",
        help_text=_("Arabic text is shown right to left."),
    )
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    tags = TaggableManager(_("tags"), blank=True)
    region = models.CharField(_("region"), max_length=40, choices=REGIONS)
    city = models.CharField(_("city"), max_length=60, choices=CITY_CHOICES)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="businesses/logos/", blank=True, validators=[validate_uploaded_image]
    )

    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_visibility = models.CharField(
        _("who sees the phone"), max_length=8, choices=Visibility.choices, default="members"
    )
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    whatsapp_visibility = models.CharField(
        _("who sees WhatsApp"), max_length=8, choices=Visibility.choices, default="members"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    email_visibility = models.CharField(
        _("who sees the e-mail"), max_length=8, choices=Visibility.choices, default="members"
    )
    website = models.URLField(_("website"), blank=True)
    website_visibility = models.CharField(
        _("who sees the website"), max_length=8, choices=Visibility.choices, default="public"
    )

    status = models.CharField(
        _("status"), max_length=20, choices=BusinessStatus.choices, default=BusinessStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        permissions = [("moderate_business", _("Can publish, send back or suspend businesses"))]
        indexes = [
            models.Index(fields=["status", "sector", "region"]),
            # The directory's order: a page is read from the index, not sorted from every row.
            models.Index(
                fields=["name", "id"],
                condition=Q(status="published"),
                name="marketplace_business_directory",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("marketplace:business_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status == BusinessStatus.PUBLISHED

    def contact_channels_for(self, user):
        """The contact channels this viewer may see, as (kind, value) pairs."""
        allowed = {Visibility.PUBLIC}
        if user.is_authenticated:
            allowed.add(Visibility.MEMBERS)
        channels = []
        for kind in ("phone", "whatsapp", "email", "website"):
            value = getattr(self, kind)
            if value and getattr(self, f"{kind}_visibility") in allowed:
                channels.append((kind, value))
        return channels


class SpokenLanguage(models.Model):
    """A language the business serves customers in (a row each, so the directory can filter)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8, choices=SPOKEN_LANGUAGES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "code"], name="marketplace_language_once")
        ]

    def __str__(self):
        return self.get_code_display()


class BusinessPrivateInfo(models.Model):
    """What the programme must know but nobody else sees: never rendered publicly, never in
    search documents, never in an export other than the owners' own data export."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="private")
    registration_number = models.CharField(
        _("registration number (ICE, auto-entrepreneur card)"), max_length=40, blank=True
    )
    notes_for_programme = models.TextField(_("notes for the programme team"), blank=True)

    def __str__(self):
        return f"{self.business} (private)"


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="marketplace_member_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.business} ({self.role})"


class Invitation(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"), max_length=8, choices=Membership.Role.choices, default=Membership.Role.OWNER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "email"],
                condition=Q(accepted_at__isnull=True),
                name="marketplace_one_pending_invitation",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.business}"


class AuditEvent(models.Model):
    """One line of an audit trail: who did what, and when. Subclasses say to what."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class BusinessEvent(AuditEvent):
    """The audit trail of a business: every change of status, who made it, when and why."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=BusinessStatus.choices)
    to_status = models.CharField(max_length=20, choices=BusinessStatus.choices)
    reason = models.TextField(blank=True)

    def __str__(self):
        return f"{self.business}: {self.from_status} → {self.to_status}"


class Offer(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        ON_ORDER = "on-order", _("Made to order")
        UNAVAILABLE = "unavailable", _("Not available now")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    price_mad = models.DecimalField(
        _("price (MAD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for “price on request”."),
    )
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default="available"
    )
    photo = models.ImageField(
        _("photo"), upload_to="businesses/offers/", blank=True, validators=[validate_uploaded_image]
    )
    position = models.PositiveIntegerField(default=0)

    # Bulk changes tell the search index (config.signals).
    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_mad__isnull=True) | Q(price_mad__gte=0),
                name="marketplace_offer_price_not_negative",
            )
        ]

    def __str__(self):
        return self.title


class Inquiry(models.Model):
    """A signed-in visitor's message about a business or one of its offers. Kept as a record so
    that the messaging app can turn it into a conversation later."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="inquiries")
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="inquiries"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_inquiries"
    )
    message = models.TextField(_("message"), max_length=3000)
    # Until conversations exist, the owners answer by e-mail, if the sender agrees to it.
    share_email = models.BooleanField(
        _("Share my e-mail address with the business so that it can answer me"), default=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sender} → {self.business}"


class BusinessPhoto(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to="businesses/photos/", validators=[validate_uploaded_image]
    )
    caption = models.CharField(_("caption"), max_length=160, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or f"{self.business} #{self.position}"
