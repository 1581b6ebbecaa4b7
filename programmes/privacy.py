"""A person's event registrations and attendance, for "download my data"."""


def _iso(value):
    return value.isoformat() if value else None


def export_programmes(user):
    from programmes.models import Attendance, EventRegistration

    return {
        "event_registrations": [
            {
                "event": r.event.title,
                "starts_at": _iso(r.event.start_at),
                "status": r.status,
                "name": r.name,
                "phone": r.phone,
                "email": r.email,
                "gender": r.gender,
                "region": r.region,
                "created_at": _iso(r.created_at),
            }
            for r in EventRegistration.objects.filter(user=user).select_related("event")
        ],
        "attendance": [
            {"event": a.event.title, "recorded_at": _iso(a.recorded_at)}
            for a in Attendance.objects.filter(user=user).select_related("event")
        ],
    }
