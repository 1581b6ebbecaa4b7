"""How django-axes identifies who is trying to log in, and the account-wide alarm.

Axes locks a (login, address) pair after a few failures, so that nobody can lock a person out
from elsewhere; an attacker who spreads guesses over many addresses stays under every pair's
limit. `failure_logged` counts an account's failures from all addresses together and, past
LOGIN_ALARM_FAILURES within LOGIN_ALARM_WINDOW, tells the owner and the administrators once.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


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


def failure_logged(sender, instance, created, **kwargs):
    """post_save of axes' AccessFailureLog: one more failed log-in was recorded."""
    if not created or not instance.username:
        return
    from axes.models import AccessFailureLog

    from accounts import tasks
    from accounts.models import LoginAlarm, User

    since = timezone.now() - settings.LOGIN_ALARM_WINDOW
    failures = AccessFailureLog.objects.filter(username=instance.username, attempt_time__gte=since)
    count = failures.count()
    if count < settings.LOGIN_ALARM_FAILURES:
        return
    with transaction.atomic():
        # The account row is locked so that two failures at the same moment raise one alarm.
        user = (
            User.objects.select_for_update()
            .filter(email__iexact=instance.username, is_active=True)
            .first()
        )
        if user is None or user.login_alarms.filter(raised_at__gte=since).exists():
            return
        alarm = LoginAlarm.objects.create(
            user=user,
            failures=count,
            addresses=failures.values("ip_address").distinct().count(),
        )
        logger.warning(
            "Log-in alarm: %s failed log-ins on account %s from %s addresses within %s",
            alarm.failures,
            user.pk,
            alarm.addresses,
            settings.LOGIN_ALARM_WINDOW,
        )
        transaction.on_commit(lambda: tasks.send_login_alarm.enqueue(alarm_id=alarm.pk))
