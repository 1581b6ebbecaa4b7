"""Editorial pages, in index/detail pairs, plus the site-wide settings editors keep."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.roles import VIEW_SENSITIVE_DATA
from cms.blocks import BodyBlock, StepBlock

PAGE_SIZE = 12


def paginate(request, queryset, per_page=PAGE_SIZE):
    """One page of results; a bad or out-of-range ?page= falls back instead of failing."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


class EventCountsAs(models.TextChoices):
    """What attending an event counts as for its programme (programmes.models.Indicator codes)."""

    INFORMED = "informed", _("Information session (people informed)")
    REACHED = "reached", _("Outreach or campaign (people reached)")
    TRAINED = "trained", _("Training session (people trained)")


class Region(models.TextChoices):
    RABAT_SALE = "rabat-sale", _("Rabat-Salé")
    TANGER_TETOUAN = "tanger-tetouan", _("Tanger-Tétouan")
    NATIONAL = "national", _("Nationwide")
    ONLINE = "online", _("Online")


class SitePage(Page):
    """What every public page shares: a social-sharing image and the fields readers search."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared on social networks."),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("social_image")]

    class Meta:
        abstract = True

    @property
    def sharing_image(self):
        return self.social_image or getattr(self, "main_image", None)

    @property
    def summary(self):
        return self.search_description or getattr(self, "intro", "")


class SectionIndexPage(SitePage):
    """The index of one section (news, events, calls, guides), directly under a home page."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]

    class Meta:
        abstract = True


class HomePage(SitePage):
    hero_title = models.CharField(_("hero title"), max_length=160)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("hero button links to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link_label = models.CharField(_("hero button label"), max_length=60, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldRowPanel([FieldPanel("hero_link"), FieldPanel("hero_link_label")]),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.CallIndexPage",
        "cms.GuideIndexPage",
        "cms.StandardPage",
        "cms.FormPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["latest_news"] = (
            NewsArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("main_image")
            .order_by("-date", "-pk")[:3]
        )
        context["upcoming_events"] = (
            EventPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(end_at__gte=now)
            .order_by("start_at")[:3]
        )
        context["open_calls"] = (
            CallForApplicationsPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at")[:3]
        )
        return context


# --- News -----------------------------------------------------------------------------------


class NewsIndexPage(RoutablePageMixin, SectionIndexPage):
    subpage_types = ["cms.NewsArticlePage"]

    class Meta:
        verbose_name = _("news index")

    def articles(self):
        return (
            NewsArticlePage.objects.live()
            .public()
            .child_of(self)
            .select_related("main_image")
            .order_by("-date", "-pk")
        )

    @path("")
    def index(self, request):
        articles = self.articles()
        # NUL is not storable text (PostgreSQL refuses it in a query): such a tag matches nothing.
        tag = request.GET.get("tag", "").replace("\x00", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__name=tag)
        return self.render(
            request, context_overrides={"articles": paginate(request, articles), "tag": tag}
        )

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request):
        from cms.feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        from cms.feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


class NewsArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsArticlePage(SitePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), max_length=300)
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=NewsArticleTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("intro"),
        FieldPanel("main_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


# --- Events ---------------------------------------------------------------------------------


class EventIndexPage(SectionIndexPage):
    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().public().child_of(self)
        region = request.GET.get("region", "")
        if region in Region.values:
            events = events.filter(region=region)
        else:
            region = ""
        now = timezone.now()
        context["region"] = region
        context["regions"] = Region.choices
        context["upcoming"] = events.filter(end_at__gte=now).order_by("start_at")
        context["past"] = paginate(request, events.filter(end_at__lt=now).order_by("-start_at"))
        return context


class EventPage(SitePage):
    start_at = models.DateTimeField(_("starts at"))
    end_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Times are shown to readers in this time zone."),
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty if there is no limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    counts_as = models.CharField(
        _("attending counts as"),
        max_length=16,
        choices=EventCountsAs.choices,
        blank=True,
        help_text=_("What the programme counts for each person who attends."),
    )
    intro = models.TextField(_("introduction"), max_length=300)
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("region"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        MultiFieldPanel([FieldPanel("programme"), FieldPanel("counts_as")], heading=_("Programme")),
        FieldPanel("intro"),
        FieldPanel("main_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("venue"),
        index.FilterField("start_at"),
        index.FilterField("region"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            errors["end_at"] = _("The event must end after it starts.")
        if self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = _("Unknown time zone.")
        if self.region == Region.ONLINE and not self.online_url:
            errors["online_url"] = _("An online event needs its meeting link.")
        if self.region != Region.ONLINE and not (self.venue or self.online_url):
            errors["venue"] = _("Say where the event takes place.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def is_past(self):
        return self.end_at < timezone.now()

    @property
    def accepts_registrations(self):
        return self.registration_open and not self.is_past


# --- Calls for applications -----------------------------------------------------------------


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("call status", "Upcoming")
    OPEN = "open", pgettext_lazy("call status", "Open")
    CLOSED = "closed", pgettext_lazy("call status", "Closed")


class CallIndexPage(SectionIndexPage):
    subpage_types = ["cms.CallForApplicationsPage"]

    class Meta:
        verbose_name = _("calls index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        calls = CallForApplicationsPage.objects.live().public().child_of(self)
        now = timezone.now()
        context["open_calls"] = calls.filter(opens_at__lte=now, closes_at__gt=now).order_by(
            "closes_at"
        )
        context["upcoming_calls"] = calls.filter(opens_at__gt=now).order_by("opens_at")
        context["closed_calls"] = paginate(
            request, calls.filter(closes_at__lte=now).order_by("-closes_at")
        )
        return context


class CallForApplicationsPage(SitePage):
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    intro = models.TextField(_("introduction"), max_length=300)
    eligibility = RichTextField(_("who can apply"))
    budget_amount = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    budget_currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=[("MAD", _("Moroccan dirham (MAD)")), ("EUR", _("Euro (EUR)"))],
        default="MAD",
    )
    targets = models.TextField(
        _("targets"), blank=True, help_text=_("For example: 20 businesses supported.")
    )
    how_to_apply = RichTextField(_("how to apply"))
    apply_url = models.URLField(_("application form link"), blank=True)
    opportunity = models.ForeignKey(
        "marketplace.Opportunity",
        verbose_name=_("opportunity on Tremplin"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Applicants then apply on Tremplin, and the jury reviews them here."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("more details"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Dates")),
        FieldPanel("intro"),
        FieldPanel("eligibility"),
        FieldRowPanel([FieldPanel("budget_amount"), FieldPanel("budget_currency")]),
        FieldPanel("targets"),
        FieldPanel("how_to_apply"),
        FieldRowPanel([FieldPanel("apply_url"), FieldPanel("opportunity")]),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("eligibility"),
        index.FilterField("closes_at"),
    ]
    parent_page_types = ["cms.CallIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The call must close after it opens.")})

    def status_at(self, moment):
        if moment < self.opens_at:
            return CallStatus.UPCOMING
        if moment < self.closes_at:
            return CallStatus.OPEN
        return CallStatus.CLOSED

    @property
    def status(self):
        return self.status_at(timezone.now())


# --- Guides and standard pages --------------------------------------------------------------


class GuideIndexPage(SectionIndexPage):
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = _("guides index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.live().public().child_of(self)
        return context


class GuidePage(SitePage):
    intro = models.TextField(_("introduction"), max_length=300)
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"))
    body = StreamField(BodyBlock(), verbose_name=_("after the steps"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("steps"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("steps")]
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")


class StandardPage(SitePage):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


# --- Contact form ---------------------------------------------------------------------------


class FormField(AbstractFormField):
    page = ParentalKey("cms.FormPage", on_delete=models.CASCADE, related_name="form_fields")


class ClearedSubmissionsPanel(FormSubmissionsPanel):
    """How many messages came and when the last did: for the staff who may read them."""

    class BoundPanel(FormSubmissionsPanel.BoundPanel):
        def is_shown(self):
            return self.request.user.has_perm(VIEW_SENSITIVE_DATA) and super().is_shown()


class FormPage(AbstractEmailForm):
    """A form whose submissions are kept in the admin and e-mailed to staff.

    Spam is held back without a third-party service: a hidden field that people leave empty and
    a signed time stamp that refuses forms sent back faster than a person can type.
    """

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you message"), blank=True)

    content_panels = [
        *AbstractEmailForm.content_panels,
        ClearedSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                # Where copies of the messages go: an editor could otherwise send them to an
                # address of their own choosing.
                FieldRowPanel(
                    [
                        FieldPanel("from_address", permission=VIEW_SENSITIVE_DATA),
                        FieldPanel("to_address", permission=VIEW_SENSITIVE_DATA),
                    ]
                ),
                FieldPanel("subject"),
            ],
            heading=_("E-mail"),
        ),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("form page")

    def get_form_class(self):
        from cms.forms import SpamProtectedForm

        form_class = super().get_form_class()
        return type("ProtectedForm", (SpamProtectedForm, form_class), {})

    def process_form_submission(self, form):
        if getattr(form, "is_spam", False):
            return None
        if not self.to_address:
            self.to_address = settings.STAFF_EMAIL
        return super().process_form_submission(form)


# --- Settings -------------------------------------------------------------------------------


@register_setting(icon="mail")
class SiteSettings(BaseSiteSetting):
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    terms_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("terms of use page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("phone"), FieldPanel("address")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social networks"),
        ),
        MultiFieldPanel(
            [FieldPanel("privacy_page"), FieldPanel("terms_page")], heading=_("Legal pages")
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def social_links(self):
        links = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("YouTube", self.youtube_url),
        ]
        return [(name, url) for name, url in links if url]
