from django import template
from django.utils import timezone

from programmes import queries
from programmes.forms import RegistrationForm

register = template.Library()


@register.inclusion_tag("programmes/_registration_box.html", takes_context=True)
def event_registration(context, page):
    """The registration box of an event page: seats left or the waiting list, and the form (one
    button for a signed-in person, name and phone for the others)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    event = queries.canonical_event(page)
    return {
        "event": event,
        "seats": queries.seats(event),
        "open": event.accepts_registrations and not event.start_at <= timezone.now(),
        "registration": queries.active_registration(event, user),
        "form": RegistrationForm(),
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
