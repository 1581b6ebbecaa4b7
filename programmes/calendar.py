"""The iCalendar invitation of an event registration (REQUEST, or CANCEL once cancelled).

One UID per registration for its whole life and a SEQUENCE that grows with every change sent,
so calendar programs update or remove the event they imported rather than add a copy. Times are
written in UTC: every calendar program converts them to the reader's zone.
"""

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.emails import absolute_url

PRODID = "-//Tremplin//Events//FR"


def invitation(registration):
    """(ics bytes, method) for `registration`, its event fetched already."""
    page = registration.event
    cancelled = registration.status == "cancelled"
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", registration.uid)
    event.add("sequence", registration.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", page.start_at.astimezone(UTC))
    event.add("dtend", page.end_at.astimezone(UTC))
    event.add("summary", page.title)
    description = [page.intro]
    if page.online_url:
        description.append(_("Online: %(url)s") % {"url": page.online_url})
    description.append(
        _("Cancel or see your registration: %(url)s")
        % {"url": absolute_url(registration.get_absolute_url())}
    )
    event.add("description", "\n\n".join(description))
    location = ", ".join(part for part in (page.venue, page.address.replace("\n", ", ")) if part)
    if location or page.online_url:
        event.add("location", location or page.online_url)
    event.add("url", absolute_url(page.url or "/"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical(), method
