"""What the site holds about a person, gathered for the "download my data" page.

Each app registers an exporter: a function of the user that returns JSON-ready data. Accounts
registers its own below; the apps of later issues add theirs in their AppConfig.ready().
"""

from django.utils import timezone

_exporters = {}


def register_exporter(section, function):
    _exporters[section] = function


def export_user_data(user):
    data = {
        "exported_at": timezone.now().isoformat(),
        "format": "tremplin-personal-data/1",
    }
    for section, function in _exporters.items():
        data[section] = function(user)
    return data


def _iso(value):
    return value.isoformat() if value else None


def _account(user):
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "gender": user.gender,
        "nationality": user.nationality,
        "residence_status": user.residence_status,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_verified_at": _iso(user.email_verified_at),
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def _consents(user):
    return [
        {"document": c.document, "version": c.version, "accepted_at": _iso(c.accepted_at)}
        for c in user.consents.all()
    ]


def _login_attempts(user):
    from axes.models import AccessAttempt, AccessFailureLog

    failures = AccessFailureLog.objects.filter(username__iexact=user.email).order_by(
        "-attempt_time"
    )
    attempts = AccessAttempt.objects.filter(username__iexact=user.email)
    return {
        "failed_logins": [
            {"at": _iso(f.attempt_time), "ip_address": f.ip_address, "locked_out": f.locked_out}
            for f in failures[:500]
        ],
        "current_lockouts": [
            {"ip_address": a.ip_address, "failures": a.failures_since_start} for a in attempts
        ],
        "login_alarms": [
            {"at": _iso(a.raised_at), "failures": a.failures, "addresses": a.addresses}
            for a in user.login_alarms.all()
        ],
    }


register_exporter("account", _account)
register_exporter("consents", _consents)
register_exporter("login_security", _login_attempts)
