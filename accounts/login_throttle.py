"""How django-axes identifies who is trying to log in."""

from django.conf import settings


def login_username(request, credentials):
    """The login name failures are counted against.

    Our login forms (ours and Wagtail's) post the e-mail as "username"; it is lower-cased so that
    "Awa@x.org" and "awa@x.org" share one counter, as they share one account.
    """
    source = credentials if credentials else request.POST
    value = source.get("username") or ""
    return value.strip().lower() or None


def client_ip(request):
    """The address of the person, not of our proxy.

    Behind N trusted proxies, each appends the address it received the request from to
    X-Forwarded-For, so the N-th entry from the right is the one our outermost proxy saw;
    whatever a client wrote further left is ignored, as it could be forged.
    """
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted]
