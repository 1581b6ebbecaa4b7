def export_mentoring(user):
    """A person's mentor profile, mentorships, goals, sessions, their own notes and ratings."""
    from mentoring.models import Booking, MentorProfile, Mentorship, SessionNote

    profile = MentorProfile.objects.filter(user=user).first()
    mentorships = (
        (
            Mentorship.objects.filter(entrepreneur=user)
            | Mentorship.objects.filter(mentor__user=user)
        )
        .select_related("mentor__user", "entrepreneur")
        .prefetch_related("goals")
    )
    bookings = (
        Booking.objects.filter(mentorship__entrepreneur=user)
        | Booking.objects.filter(mentor__user=user)
    ).select_related("rating")
    return {
        "mentor_profile": (
            {
                "headline": profile.headline,
                "bio": profile.bio,
                "topics": profile.topics,
                "tags": profile.tags,
                "sectors": profile.sectors,
                "languages": profile.languages,
                "regions": profile.regions,
                "formats": profile.formats,
                "capacity": profile.capacity,
                "published": profile.is_published,
            }
            if profile
            else None
        ),
        "mentorships": [
            {
                "role": "mentee" if m.entrepreneur_id == user.pk else "mentor",
                "with": (
                    m.mentor.user.display_name
                    if m.entrepreneur_id == user.pk
                    else m.entrepreneur.display_name
                ),
                "status": m.status,
                "message": m.message,
                "requested_at": m.requested_at.isoformat(),
                "goals": [{"title": g.title, "progress": g.progress} for g in m.goals.all()],
            }
            for m in mentorships
        ],
        "sessions": [
            {
                "starts_at": b.starts_at.isoformat(),
                "status": b.status,
                "agenda": b.agenda,
                "rating": (
                    {"score": b.rating.score, "comment": b.rating.comment}
                    if hasattr(b, "rating")
                    else None
                ),
            }
            for b in bookings
        ],
        "notes_written": [
            {"session": note.booking.starts_at.isoformat(), "text": note.text}
            for note in SessionNote.objects.filter(author=user).select_related("booking")
        ],
    }
