"""Build the demo site: pages in French with Arabic and English translations, images, users.

Idempotent: every object is looked up by a stable key (slug under its parent, image title,
e-mail) and only created when missing, so a second run creates nothing and leaves what editors
changed alone.
"""

import io
import random
from datetime import datetime, timedelta
from importlib import import_module
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from accounts.models import User
from cms import demo_content as content
from cms import models as cms_models
from cms.models import (
    CallForApplicationsPage,
    EventPage,
    FormField,
    FormPage,
    GuidePage,
    HomePage,
    NewsArticlePage,
    SiteSettings,
    StandardPage,
)

DEFAULT_PASSWORD = "tremplin-demo-2026"  # noqa: S105 - development demo accounts only
ZONE = timezone.get_default_timezone()


def other_apps_steps():
    """Demo steps of the other apps: each may have a `demo` module with a `steps()` function
    returning (label, function) pairs, run after the editorial content and the users."""
    found = []
    for app in apps.get_app_configs():
        if app.name == "cms" or not app.name.isidentifier():
            continue
        try:
            module = import_module(f"{app.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.demo":
                raise
            continue
        found.extend(module.steps())
    return found


class Command(BaseCommand):
    help = "Create the demo site (pages in fr/ar/en, images, one user per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password given to demo users created by this run.",
        )

    def handle(self, *args, password, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates accounts with a known password: not in production."
            )
        self.created = 0
        steps = [
            ("locales", self.seed_locales),
            ("images", self.seed_images),
            ("home page", self.seed_home),
            ("index pages", self.seed_indexes),
            ("news", self.seed_news),
            ("events", self.seed_events),
            ("calls for applications", self.seed_calls),
            ("guides", self.seed_guides),
            ("standard and contact pages", self.seed_standard_pages),
            ("translations", self.seed_translations),
            ("site settings and menu", self.seed_settings),
            ("users", lambda: self.seed_users(password)),
        ]
        steps += [(label, self.counted(function)) for label, function in other_apps_steps()]
        for number, (label, step) in enumerate(steps, start=1):
            before = self.created
            # The demo's own events (submissions, publications) would mail the demo people.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
                transaction.atomic(),
            ):
                step()
            self.stdout.write(f"[{number}/{len(steps)}] {label}: {self.created - before} created")
        self.stdout.write(self.style.SUCCESS(f"Demo site ready: {self.created} objects created."))
        self.stdout.write(
            "Demo accounts (development only), password "
            f"'{password}' for those created by this run:"
        )
        for email, name, role in content.DEMO_USERS:
            self.stdout.write(f"  {email:<32} {role or 'Administrator'} ({name})")

    # --- helpers ----------------------------------------------------------------------------

    def counted(self, function):
        """Adapt another app's step (which returns how many objects it created)."""

        def step():
            self.created += function()

        return step

    def child(self, parent, model, slug, **fields):
        """The live child page with this slug, created and published if it is missing."""
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing
        tags = fields.pop("tags", None)
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        if tags:
            page.tags.add(*tags)
        page.save_revision().publish()
        self.created += 1
        return page

    def translate(self, page, language, *, form_labels=None, **fields):
        """The page's translation into `language`, copied and filled in if it is missing.

        The parent must be translated first: `copy_parents` would otherwise put an alias of the
        French parent, in French, into the other language's tree. A form page's fields are
        copied with it; `form_labels` gives their labels in order. Each keeps the name
        (`clean_name`) of the field it was copied from, so that a message has the same keys
        whatever the language of the form it was sent from.
        """
        locale = Locale.objects.get(language_code=language)
        existing = page.get_translation_or_none(locale)
        if existing is not None:
            return existing.specific
        translation = page.copy_for_translation(locale, copy_parents=True)
        for name, value in fields.items():
            setattr(translation, name, value)
        if form_labels is not None:
            form_fields = sorted(translation.form_fields.all(), key=lambda field: field.sort_order)
            for field, label in zip(form_fields, form_labels, strict=True):
                field.label = label
            translation.form_fields = form_fields
        translation.save_revision().publish()
        self.created += 1
        return translation

    def image(self, title):
        return get_image_model().objects.get(title=title)

    # --- steps ------------------------------------------------------------------------------

    def seed_locales(self):
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            _locale, created = Locale.objects.get_or_create(language_code=code)
            self.created += created

    def seed_images(self):
        """Small generated pictures: the demo needs images without shipping photographs."""
        from PIL import Image, ImageDraw

        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name="Demo").first()
        if collection is None:
            collection = root.add_child(name="Demo")
        palette = [
            ("Marché de Salé", (11, 93, 75), (255, 209, 102)),
            ("Atelier de couture", (164, 38, 44), (246, 243, 236)),
            ("Coopérative de Tanger", (29, 35, 39), (124, 195, 160)),
            ("Session d'information", (7, 63, 51), (227, 193, 91)),
        ]
        image_model = get_image_model()
        for title, background, accent in palette:
            if image_model.objects.filter(title=title).exists():
                continue
            rng = random.Random(title)
            picture = Image.new("RGB", (1600, 900), background)
            draw = ImageDraw.Draw(picture)
            for _ in range(14):
                x, y = rng.randrange(0, 1600), rng.randrange(0, 900)
                radius = rng.randrange(40, 220)
                draw.ellipse(
                    (x - radius, y - radius, x + radius, y + radius), outline=accent, width=12
                )
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=80)
            image_model.objects.create(
                title=title,
                description=title,
                collection=collection,
                file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg"),
            )
            self.created += 1

    def seed_home(self):
        site = Site.objects.get(is_default_site=True)
        fr = Locale.objects.get(language_code="fr")
        home = HomePage.objects.filter(locale=fr, depth=2).first()
        if home is None:
            root = Page.get_first_root_node()
            data = content.HOME["fr"]
            home = HomePage(
                title=data["title"],
                slug="accueil",
                locale=fr,
                hero_title=data["hero_title"],
                hero_text=data["hero_text"],
                hero_link_label=data["hero_link_label"],
                body=data["body"],
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            self.created += 1
        # Full URLs (feeds, sitemap, hreflang) are built from the Site's host and port.
        address = urlsplit(settings.SITE_URL)
        port = address.port or (443 if address.scheme == "https" else 80)
        if (site.hostname, site.port) != (address.hostname, port):
            site.hostname, site.port = address.hostname, port
            site.save()
        if site.root_page_id != home.pk:
            previous = site.root_page
            site.root_page = home
            site.site_name = "Tremplin"
            site.save()
            # Wagtail's "Welcome" placeholder has no use once the real home page is in place.
            if previous.specific_class is Page and not previous.get_children().exists():
                previous.delete()
        self.home = home

    def seed_indexes(self):
        self.indexes = {}
        for slug, data in content.INDEXES.items():
            model = getattr(cms_models, data["model"])
            title, intro = data["fr"]
            page = self.child(self.home, model, slug, title=title, intro=intro, show_in_menus=True)
            self.indexes[slug] = page

    def seed_news(self):
        index = self.indexes["news"]
        launch = content.LAUNCH
        self.launch = self.child(
            index,
            NewsArticlePage,
            launch["slug"],
            title=launch["fr"]["title"],
            date=launch["date"],
            intro=launch["fr"]["intro"],
            body=launch["fr"]["body"],
            main_image=self.image("Session d'information"),
            tags=launch["tags"],
        )
        images = ["Atelier de couture", "Coopérative de Tanger", "Marché de Salé", None]
        for item, image_title in zip(content.MORE_NEWS, images, strict=True):
            self.child(
                index,
                NewsArticlePage,
                item["slug"],
                title=item["title"],
                date=content.today_plus(-item["days_ago"]),
                intro=item["intro"],
                body=[{"type": "paragraph", "value": content.rich(item["text"])}],
                main_image=self.image(image_title) if image_title else None,
                tags=item["tags"],
            )
        self.seed_scheduled_news(index)

    def seed_scheduled_news(self, index):
        """A draft approved for publication in a week: shows scheduled publishing at work."""
        item = content.SCHEDULED_NEWS
        if NewsArticlePage.objects.child_of(index).filter(slug=item["slug"]).exists():
            return
        page = NewsArticlePage(
            title=item["title"],
            slug=item["slug"],
            date=content.today_plus(7),
            intro=item["intro"],
            body=[{"type": "paragraph", "value": content.rich(item["text"])}],
            live=False,
        )
        index.add_child(instance=page)
        page.tags.add(*item["tags"])
        page.go_live_at = timezone.now() + timedelta(days=7)
        page.save_revision().publish()
        self.created += 1

    def seed_events(self):
        index = self.indexes["evenements"]
        today = timezone.localdate()
        self.events = []
        for event in content.EVENTS:
            start = datetime.combine(today + timedelta(days=event["days"]), datetime.min.time())
            start = start.replace(hour=10, tzinfo=ZONE)
            online = event["region"] == "online"
            page = self.child(
                index,
                EventPage,
                event["slug"],
                start_at=start,
                end_at=start + timedelta(hours=event["hours"]),
                region=event["region"],
                online_url="https://meet.tremplin.example/financement" if online else "",
                capacity=None if online else 40,
                registration_open=event["days"] > 0,
                **event["fr"],
            )
            self.events.append((page, event))

    def seed_calls(self):
        index = self.indexes["appels"]
        # Calls open and close at midnight, Casablanca time, as a programme would announce them.
        now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        call = content.CALL
        self.call = self.child(
            index,
            CallForApplicationsPage,
            call["slug"],
            opens_at=now - timedelta(days=call["opens_days_ago"]),
            closes_at=now + timedelta(days=call["closes_in_days"]),
            budget_amount=call["budget"],
            budget_currency=call["currency"],
            apply_url=call["apply_url"],
            **self._call_fields(call["fr"]),
        )
        for item in content.OTHER_CALLS:
            self.child(
                index,
                CallForApplicationsPage,
                item["slug"],
                title=item["title"],
                intro=item["intro"],
                opens_at=now - timedelta(days=item["opens_days_ago"]),
                closes_at=now + timedelta(days=item["closes_in_days"]),
                eligibility=content.rich("Entrepreneurs migrants des deux régions."),
                how_to_apply=content.rich("Inscription auprès de l'équipe du programme."),
            )

    @staticmethod
    def _call_fields(data):
        return {
            "title": data["title"],
            "intro": data["intro"],
            "eligibility": data["eligibility"],
            "targets": data["targets"],
            "how_to_apply": data["how_to_apply"],
        }

    @staticmethod
    def _guide_fields(data):
        steps = [
            {
                "type": "step",
                "value": {"title": title, "body": content.rich(body), "documents": documents},
            }
            for title, body, documents in data["steps"]
        ]
        return {"title": data["title"], "intro": data["intro"], "steps": steps}

    def seed_guides(self):
        index = self.indexes["guides"]
        self.guides = []
        for guide in content.GUIDES:
            page = self.child(index, GuidePage, guide["slug"], **self._guide_fields(guide["fr"]))
            self.guides.append((page, guide))

    @staticmethod
    def _standard_fields(data):
        return {
            "title": data["title"],
            "intro": data.get("intro", ""),
            "body": [{"type": "paragraph", "value": content.rich(data["text"])}],
        }

    @staticmethod
    def _contact_fields(data):
        return {
            "title": data["title"],
            "intro": data["intro"],
            "thank_you_text": data["thank_you"],
            "subject": data["subject"],
        }

    def seed_standard_pages(self):
        about = content.ABOUT
        self.about = self.child(
            self.home,
            StandardPage,
            about["slug"],
            show_in_menus=True,
            **self._standard_fields(about["fr"]),
        )
        self.legal = {}
        for item in content.LEGAL:
            self.legal[item["slug"]] = self.child(
                self.home, StandardPage, item["slug"], **self._standard_fields(item["fr"])
            )
        contact = content.CONTACT
        form_page = FormPage.objects.child_of(self.home).filter(slug=contact["slug"]).first()
        if form_page is None:
            form_page = FormPage(
                slug=contact["slug"],
                to_address=settings.STAFF_EMAIL,
                from_address="no-reply@tremplin.example",
                show_in_menus=True,
                **self._contact_fields(contact["fr"]),
            )
            fields = zip(contact["fr"]["labels"], contact["fields"], strict=True)
            for order, (label, (field_type, required)) in enumerate(fields):
                form_page.form_fields.add(
                    FormField(
                        sort_order=order, label=label, field_type=field_type, required=required
                    )
                )
            self.home.add_child(instance=form_page)
            form_page.save_revision().publish()
            self.created += 1
        self.contact = form_page

    def seed_translations(self):
        for language in ("ar", "en"):
            home_data = content.HOME[language]
            home = self.translate(
                self.home,
                language,
                title=home_data["title"],
                hero_title=home_data["hero_title"],
                hero_text=home_data["hero_text"],
                hero_link_label=home_data["hero_link_label"],
                body=home_data["body"],
            )
            # Parents before their children (see `translate`).
            for slug, index in self.indexes.items():
                title, intro = content.INDEXES[slug][language]
                self.translate(index, language, title=title, intro=intro)
            launch = content.LAUNCH[language]
            self.translate(
                self.launch,
                language,
                title=launch["title"],
                intro=launch["intro"],
                body=launch["body"],
            )
            self.translate(self.call, language, **self._call_fields(content.CALL[language]))
            for page, event in self.events:
                self.translate(page, language, **event[language])
            for page, guide in self.guides:
                self.translate(page, language, **self._guide_fields(guide[language]))
            self.translate(self.about, language, **self._standard_fields(content.ABOUT[language]))
            for item in content.LEGAL:
                self.translate(
                    self.legal[item["slug"]], language, **self._standard_fields(item[language])
                )
            contact = content.CONTACT[language]
            self.translate(
                self.contact,
                language,
                form_labels=contact["labels"],
                **self._contact_fields(contact),
            )
            self._link_hero(home)
        self._link_hero(self.home)

    def _link_hero(self, home):
        # Reload: publishing a revision saves tree fields (numchild) from the object in hand,
        # and this one predates the children added since.
        home = HomePage.objects.get(pk=home.pk)
        if home.hero_link_id is None:
            home.hero_link = self.call.get_translation_or_none(home.locale) or self.call
            home.save_revision().publish()

    def seed_settings(self):
        site = Site.objects.get(is_default_site=True)
        site_settings = SiteSettings.for_site(site)
        if not site_settings.contact_email:
            site_settings.contact_email = "contact@tremplin.example"
            site_settings.phone = "+212 5 37 00 00 00"
            site_settings.address = "Avenue Mohammed V\nRabat, Maroc"
            site_settings.facebook_url = "https://www.facebook.com/tremplin.example"
            site_settings.privacy_page = self.legal["confidentialite"]
            site_settings.terms_page = self.legal["conditions-utilisation"]
            site_settings.save()
            self.created += 1

    def seed_users(self, password):
        for email, name, role in content.DEMO_USERS:
            if User.objects.filter(email__iexact=email).exists():
                continue
            if role is None:
                user = User.objects.create_superuser(
                    email=email, password=password, display_name=name
                )
            else:
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    display_name=name,
                    email_verified_at=timezone.now(),
                )
                user.groups.add(Group.objects.get(name=role))
            user.consents.create(document="terms", version=settings.TERMS_VERSION)
            self.created += 1
