import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Africa/Casablanca"


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), max_length=254)
    display_name = models.CharField(
        _("display name"), max_length=120, help_text=_("How other members see you.")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default=DEFAULT_TIME_ZONE
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=8,
        blank=True,
        choices=[("woman", _("Woman")), ("man", _("Man")), ("other", _("Other"))],
        help_text=_("Optional. Only counted, anonymously, in the programme's figures."),
    )
    # Sensitive: never shown publicly, never indexed, never in an export but the person's own
    # and the one staff with the view_sensitive_data permission make of an opportunity.
    nationality = models.CharField(_("nationality"), max_length=64, blank=True)
    residence_status = models.CharField(
        _("residence status"),
        max_length=16,
        blank=True,
        choices=[
            ("permit", _("Residence permit")),
            ("refugee", _("Refugee or asylum seeker")),
            ("regularising", _("Regularisation in progress")),
            ("other", _("Other")),
        ],
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_sensitive_data", _("Can see nationality and residence status in exports"))
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    # Wagtail's admin reads first/last names; the display name stands for both.
    @property
    def first_name(self):
        return self.display_name

    @property
    def last_name(self):
        return ""


class Consent(models.Model):
    """A user's acceptance of a document (the terms of use), kept with its version and date."""

    class Document(models.TextChoices):
        TERMS = "terms", _("Terms of use and privacy notice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    document = models.CharField(_("document"), max_length=32, choices=Document.choices)
    version = models.CharField(_("version"), max_length=32)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="accounts_consent_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.document} {self.version}"


class LoginAlarm(models.Model):
    """Many failed log-ins on one account, from wherever they came: its owner and the
    administrators were told. The per-address lock-out cannot see an attack spread over many
    addresses; this does, without locking the owner out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_alarms"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    failures = models.PositiveIntegerField(_("failed log-ins"))
    addresses = models.PositiveIntegerField(_("addresses they came from"))

    class Meta:
        verbose_name = _("log-in alarm")
        verbose_name_plural = _("log-in alarms")
        ordering = ["-raised_at"]

    def __str__(self):
        return f"{self.user}: {self.failures} failures ({self.raised_at:%Y-%m-%d %H:%M})"
