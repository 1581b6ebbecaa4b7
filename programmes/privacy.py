"""A person's event registrations, attendance and journeys, for "download my data"."""


def _iso(value):
    return value.isoformat() if value else None


def export_programmes(user):
    from programmes.models import Attendance, EventRegistration, Journey

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
        "journeys": [
            {
                "programme": journey.programme.name,
                "step": journey.step,
                "registration_number": journey.registration_number,
                "steps": [
                    {"step": r.step, "reached_on": _iso(r.reached_on), "evidence": r.evidence}
                    for r in journey.records.all()
                ],
                "follow_ups": [
                    {
                        "after_months": f.months,
                        "still_active": f.still_active,
                        "jobs": f.jobs,
                        "turnover_band": f.turnover_band,
                    }
                    for f in journey.follow_ups.all()
                ],
            }
            for journey in Journey.objects.filter(person=user)
            .select_related("programme")
            .prefetch_related("records", "follow_ups")
        ],
    }
