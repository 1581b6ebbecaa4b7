"""Changes of state of accounts. Views, the admin and commands call these; nothing else writes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import roles, tasks
from accounts.models import Consent, User
from accounts.tokens import email_verification_token


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
    """
    if not accepted_terms:
        raise ValidationError(_("You must accept the terms of use to create an account."))
    if role not in roles.SELF_SERVICE_ROLES:
        raise PermissionDenied(_("This role is granted by the programme team."))
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
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


def verification_link_parts(user):
    return urlsafe_base64_encode(force_bytes(user.pk)), email_verification_token.make_token(user)


def email_verification_resend(*, email):
    """Send a new confirmation link if an unconfirmed account has this address.

    Says nothing about whether the account exists: the caller shows the same message either way.
    """
    user = User.objects.filter(email__iexact=email, email_verified_at__isnull=True).first()
    if user is not None and user.is_active:
        tasks.send_verification_email.enqueue(user_id=user.pk)


def email_verify(*, uidb64, token):
    """Mark the address as confirmed if the link is valid; return the user, or None."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.get(pk=pk)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if user.email_verified:
        return user
    if not email_verification_token.check_token(user, token):
        return None
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def user_settings_update(*, user, display_name, preferred_language, time_zone):
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.time_zone = time_zone
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=["display_name", "preferred_language", "time_zone"])
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
