from django.conf import settings
from django.core import signing

_SALT = "accounts.email-verification"


def make_email_verification_token(user):
    """A signed token naming the account and the address it confirms.

    Signed with SECRET_KEY, so it cannot be altered to name another account; it carries the
    address, so it stops working if the address changes before it is used.
    """
    return signing.dumps([user.pk, user.email], salt=_SALT, compress=True)


def read_email_verification_token(token):
    """(user id, e-mail) from a valid, unexpired token; None otherwise."""
    try:
        pk, email = signing.loads(token, salt=_SALT, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk, email
