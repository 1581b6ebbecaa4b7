"""iCalendar files for sessions: invitations (REQUEST / CANCEL) and each user's feed.

A session keeps one UID for its whole life and its SEQUENCE grows with every change that is
sent, so calendar programs update or remove the event they imported instead of adding a copy.
Times are written in UTC: every calendar program converts them to the reader's zone.
"""

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.emails import absolute_url
from config.bidi import isolate

PRODID = "-//Tremplin//Mentoring sessions//FR"


def _calendar(method=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _address(user, role):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(isolate(user.display_name) or user.email)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("ACCEPTED")
    return address


def _event(booking, cancelled):
    """One VEVENT; the mentorship and its people are expected to be fetched already."""
    mentorship = booking.mentorship
    mentor_user = mentorship.mentor.user
    entrepreneur = mentorship.entrepreneur
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _("Mentoring: %(mentor)s and %(entrepreneur)s")
        % {
            "mentor": isolate(mentor_user.display_name) or mentor_user.email,
            "entrepreneur": isolate(entrepreneur.display_name) or entrepreneur.email,
        },
    )
    description = [booking.get_format_display()]
    # Calendar programs show these as plain text: what people typed is isolated. (The place
    # is a field of its own, often a link that must stay one: it is left as typed.)
    if booking.agenda:
        description.append(isolate(booking.agenda))
    if cancelled and booking.cancel_reason:
        description.append(_("Cancelled: %(reason)s") % {"reason": isolate(booking.cancel_reason)})
    event.add("description", "\n\n".join(description))
    if booking.place:
        event.add("location", booking.place)
    event.add("url", absolute_url(booking.get_absolute_url()))
    event.add("organizer", _address(mentor_user, None))
    event.add("attendee", _address(mentor_user, "CHAIR"), encode=0)
    event.add("attendee", _address(entrepreneur, "REQ-PARTICIPANT"), encode=0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def invitation(booking):
    """The .ics sent by e-mail after a booking, a move or a cancellation."""
    cancelled = booking.status == "cancelled"
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(booking, cancelled))
    return calendar.to_ical(), ("CANCEL" if cancelled else "REQUEST")


def feed(bookings, name):
    """A user's private feed: their sessions, cancelled ones marked so they disappear."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(_event(booking, booking.status == "cancelled"))
    return calendar.to_ical()
