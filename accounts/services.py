"""Changes of state of accounts. Views, the admin and commands call these; nothing else writes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles, tasks
from accounts.models import Consent, User
from accounts.tokens import read_email_verification_token
from config.bidi import strip_bidi_controls


def user_signup(
    *,
    email,
    password,
    display_name,
    role,
    accepted_terms,
    preferred_language=settings.LANGUAGE_CODE,
    time_zone="Africa/Casablanca",
):
    """Create an account that must confirm its e-mail address before it can log in.

    The terms must be accepted; the acceptance is recorded with the terms' version and the date.
    The confirmation e-mail is sent once the transaction has committed.

    If the address already has an account, nothing is created and its owner is told by e-mail
    instead: the page a visitor sees is the same either way, so sign-up cannot be used to learn
    who is a member. Returns the new user, or None in that case.
    """
    if not accepted_terms:
        raise ValidationError(_("You must accept the terms of use to create an account."))
    if role not in roles.SELF_SERVICE_ROLES:
        raise PermissionDenied(_("This role is granted by the programme team."))
    email = User.objects.normalize_email(email).lower()
    display_name = strip_bidi_controls(display_name).strip()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            transaction.on_commit(
                lambda: tasks.send_existing_account_email.enqueue(user_id=existing.pk)
            )
            return None
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name,
            preferred_language=preferred_language,
            time_zone=time_zone,
        )
        user.groups.add(Group.objects.get(name=role))
        Consent.objects.create(
            user=user, document=Consent.Document.TERMS, version=settings.TERMS_VERSION
        )
        transaction.on_commit(lambda: tasks.send_verification_email.enqueue(user_id=user.pk))
    return user


def email_verification_resend(*, email):
    """Send a new confirmation link if an unconfirmed account has this address.

    Says nothing about whether the account exists: the caller shows the same message either way.
    """
    user = User.objects.filter(email__iexact=email, email_verified_at__isnull=True).first()
    if user is not None and user.is_active:
        tasks.send_verification_email.enqueue(user_id=user.pk)


def email_verify(*, token):
    """Confirm the address named by a valid link; return the user, or None.

    Opening the same link again is harmless: the address stays confirmed.
    """
    parts = read_email_verification_token(token)
    if parts is None:
        return None
    pk, email = parts
    user = User.objects.filter(pk=pk, email__iexact=email, is_active=True).first()
    if user is None:
        return None
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def login_lockout_clear(*, user):
    """Lift a log-in lock-out, once the person proved who they are (a password reset)."""
    from axes.utils import reset

    reset(username=user.email)


SETTINGS_FIELDS = [
    "display_name",
    "preferred_language",
    "time_zone",
    "gender",
    "nationality",
    "residence_status",
]


def user_settings_update(*, user, **values):
    """Save what the person may change about themselves (SETTINGS_FIELDS)."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not a setting: {sorted(unknown)}")
    if "display_name" in values:
        values["display_name"] = strip_bidi_controls(values["display_name"]).strip()
    for name, value in values.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=list(values))
    return user


def user_delete(*, user, password):
    """Delete the account and everything that belongs only to it.

    The password is asked again so that a forgotten open session cannot erase an account.
    Pages and revisions the person wrote stay, without their name (Wagtail sets them to null).
    """
    if not user.check_password(password):
        raise PermissionDenied(_("The password is not correct."))
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    with transaction.atomic():
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=user.email).delete()
        user.delete()
