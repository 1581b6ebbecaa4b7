"""Every change in messaging: starting a conversation, sending, editing, deleting, reading,
blocking, reporting. Permission checks inside, one transaction each; the Event row is
written in the same transaction as the change, and pushed to the participants' channel
groups once it commits (a push may be dropped: clients resume from the Event table).

Locks: sending locks the conversation row, so messages get ids in the order they were sent,
and two retries of one client key cannot both insert. Every event also locks the `UserStream`
rows of the people it concerns before it gets its id (see `_record`), so each person's events
commit in the order of their ids, whichever process or conversation they come from.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from config import ratelimit
from config.outages import OutageLog
from messaging.models import (
    MAX_LENGTH,
    Block,
    Conversation,
    Event,
    Message,
    Participant,
    Report,
    UserStream,
)

logger = logging.getLogger(__name__)
EDIT_WINDOW = timedelta(minutes=15)
S = Conversation.Subject
CLIENT_KEY_LENGTH = Message._meta.get_field("client_key").max_length
_push_failed = OutageLog(logger)


def user_group(user_id):
    return f"user-{user_id}"


# --- Pushing events -------------------------------------------------------------------------


def event_data(event):
    return {
        "type": event.kind,
        "id": event.pk,
        "conversation": event.conversation_id,
        **event.payload,
    }


_collected = threading.local()


@contextmanager
def pushes_collected():
    """Inside this block, pushes are kept in the yielded list instead of being sent, so that an
    async caller (the consumer) awaits them on its own event loop: a push from a database
    thread would otherwise hop back to the loop once per recipient and hold that thread."""
    previous = getattr(_collected, "pushes", None)
    _collected.pushes = []
    try:
        yield _collected.pushes
    finally:
        _collected.pushes = previous


def _layer_message(data, after=None):
    """What travels on the channel layer: the event, and for a stored event the id of the
    recipient's previous one (`after`), by which the consumer sees that a push went missing."""
    return {"type": "chat.event", "event": data, "after": after}


def _push(user_ids, data, after=None):
    """Send `data` to each user's group once the caller is done; `after` maps a user to the id
    of their previous event (stored events only)."""
    pushes = [(user_id, _layer_message(data, (after or {}).get(user_id))) for user_id in user_ids]
    collected = getattr(_collected, "pushes", None)
    if collected is not None:
        collected.extend(pushes)
        return
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(_send)(layer, pushes)


async def send_pushes(pushes):
    """Send what `pushes_collected()` kept, from async code."""
    layer = get_channel_layer()
    if layer is not None:
        await _send(layer, pushes)


# People whose pushes failed: their sockets are told to catch up from the database once the
# layer works again. Per process; a failure of the layer also makes every subscriber reconnect,
# which tells the sockets the same thing, so this covers a failure on the sending side only.
_missed = set()
_missed_lock = threading.Lock()


async def _send(layer, pushes):
    failed = set()
    for user_id, message in pushes:
        try:
            await layer.group_send(user_group(user_id), message)
        except Exception as error:  # noqa: BLE001 - the database is the record; sockets catch up
            failed.add(user_id)
            last_error = error
    if failed:
        with _missed_lock:
            _missed.update(failed)
        _push_failed.warning(
            "Could not push an event to %d people (channel layer unavailable: %s); their "
            "sockets will catch up from the database when it is back",
            len(failed),
            last_error,
        )
    elif _missed:
        await _resync_missed(layer)


async def _resync_missed(layer):
    with _missed_lock:
        missed = sorted(_missed)
        _missed.clear()
    for number, user_id in enumerate(missed):
        try:
            await layer.group_send(user_group(user_id), {"type": "chat.resync"})
        except Exception:  # noqa: BLE001 - down again: keep the rest for the next success
            with _missed_lock:
                _missed.update(missed[number:])
            return


def _record(conversation_id, kind, payload, members=None):
    """Write the event now; push it to every participant once the transaction commits.

    Before the event gets its id, the participants' `UserStream` rows are locked (and made if
    missing) in user order, and afterwards moved to the new id; the previous ids go with the
    pushes. Unread counts do not travel with it: clients count the messages they receive, and
    get the stored counts when they connect and after they read (`push_unread`)."""
    if members is None:
        members = Participant.objects.filter(conversation_id=conversation_id).values_list(
            "user_id", flat=True
        )
    members = sorted(set(members))
    previous = _lock_streams(members)
    event = Event.objects.create(conversation_id=conversation_id, kind=kind, payload=payload)
    _advance_streams(members, event.pk)
    data = event_data(event)
    transaction.on_commit(lambda: _push(members, data, after=previous))
    return event


def _lock_streams(user_ids):
    """Lock these people's stream rows, making the missing ones, in user order; returns
    {user id: id of their last event}. One statement: an upsert whose "update" changes
    nothing but takes the row lock, inserting and locking row after row in the order given."""
    if not user_ids:
        return {}
    table = connection.ops.quote_name(UserStream._meta.db_table)
    rows = ", ".join(["(%s, 0)"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, last_event_id) VALUES {rows} "  # noqa: S608 - no input
            f"ON CONFLICT (user_id) DO UPDATE SET last_event_id = {table}.last_event_id "
            "RETURNING user_id, last_event_id",
            user_ids,
        )
        return dict(cursor.fetchall())


def _advance_streams(user_ids, event_id):
    """Move these (locked) stream rows to the event just written."""
    if not user_ids:
        return
    table = connection.ops.quote_name(UserStream._meta.db_table)
    marks = ", ".join(["%s"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_event_id = %s WHERE user_id IN ({marks})",  # noqa: S608
            [event_id, *user_ids],
        )


def last_event_id(user_id):
    """The id of the user's latest event (0 if none): where a socket that does not resume
    starts, and the page's resume point. The latest event of each of their conversations, read
    backwards on the (conversation, id) index, whatever the size of the log."""
    latest = Event.objects.filter(conversation_id=OuterRef("conversation_id")).order_by("-pk")
    return (
        Participant.objects.filter(user_id=user_id)
        .annotate(latest=Subquery(latest.values("pk")[:1]))
        .aggregate(last=Max("latest"))["last"]
        or 0
    )


def push_unread(user_id):
    _push([user_id], {"type": "unread", "id": None, **unread_counts_for(user_id)})


def push_ephemeral(conversation_id, data, *, sender):
    """Typing: not stored, sent to the sender's partners in a conversation the sender sits in."""
    members = set(
        Participant.objects.filter(conversation_id=conversation_id).values_list(
            "user_id", flat=True
        )
    )
    if sender not in members:
        raise PermissionDenied(_("You are not in this conversation."))
    _push(sorted(members - {sender}), {"id": None, **data})


# --- Who may talk with whom -----------------------------------------------------------------


def _seat(actor, conversation):
    seat = Participant.objects.filter(conversation=conversation, user=actor).first()
    if seat is None:
        raise PermissionDenied(_("You are not in this conversation."))
    return seat


def _open(subject, *, actor, members, title, **links):
    """The conversation of this subject with these people, made if missing."""
    existing = Conversation.objects.filter(subject=subject, **links)
    if subject == S.BUSINESS:
        existing = existing.filter(created_by=actor)
    conversation = existing.first()
    if conversation is None:
        conversation = Conversation.objects.create(
            subject=subject, title=title[:200], created_by=actor, **links
        )
    for user_id in {user.pk for user in members}:
        Participant.objects.get_or_create(conversation=conversation, user_id=user_id)
    return conversation


def conversation_with_business(*, actor, business):
    """Anyone signed in may write to a published business: its members answer together."""
    from marketplace.models import Membership

    if business.status != "published":
        raise PermissionDenied(_("This business is not published."))
    members = [m.user for m in Membership.objects.filter(business=business).select_related("user")]
    if actor.pk in {user.pk for user in members}:
        raise ValidationError(_("This is your own business."))
    with transaction.atomic():
        return _open(
            S.BUSINESS,
            actor=actor,
            members=[actor, *members],
            title=business.name,
            business=business,
        )


def conversation_for_mentorship(*, actor, mentorship):
    """The mentor and the mentee (and the business's team) once the mentorship has started."""
    from marketplace.models import Membership
    from mentoring.models import MentorshipStatus

    if not mentorship.is_party(actor):
        raise PermissionDenied(_("This mentorship is not yours."))
    if mentorship.status not in (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED):
        raise PermissionDenied(_("You can write to each other once the mentorship has started."))
    members = [mentorship.entrepreneur, mentorship.mentor.user]
    if mentorship.business_id:
        members += [m.user for m in Membership.objects.filter(business_id=mentorship.business_id)]
    with transaction.atomic():
        return _open(
            S.MENTORSHIP,
            actor=actor,
            members=members,
            title=str(mentorship),
            mentorship=mentorship,
        )


def conversation_for_application(*, actor, application):
    """An applicant and the staff of the institution that received the application, but for
    those who declared a conflict of interest with the applicant (they take no part in it)."""
    from marketplace.models import InstitutionStaff, Review

    recused = set(
        Review.objects.filter(application=application, conflict_of_interest=True).values_list(
            "reviewer_id", flat=True
        )
    )
    if actor.pk in recused:
        raise PermissionDenied(
            _(
                "You declared a conflict of interest with this applicant: "
                "the rest of the jury decides."
            )
        )
    staff = [
        s.user
        for s in InstitutionStaff.objects.filter(
            institution_id=application.opportunity.institution_id
        )
        .exclude(user_id__in=recused)
        .select_related("user")
    ]
    if actor.pk != application.applicant_id and actor.pk not in {u.pk for u in staff}:
        raise PermissionDenied(_("This application is not yours."))
    if not application.is_sent:
        raise PermissionDenied(_("An application is discussed once it has been sent."))
    with transaction.atomic():
        return _open(
            S.APPLICATION,
            actor=actor,
            members=[application.applicant, *staff],
            title=application.opportunity.title,
            application=application,
        )


def leave_application_conversation(*, application, user):
    """A juror who declares a conflict of interest no longer reads what the applicant and the
    jury write about the application (called in the declaration's transaction)."""
    Participant.objects.filter(
        conversation__subject=S.APPLICATION, conversation__application=application, user=user
    ).delete()


# --- Messages -------------------------------------------------------------------------------


def _check_rate(actor):
    limit, window = ratelimit.rate("messaging")
    wait = ratelimit.hit(f"messaging:{actor.pk}", limit=limit, window=window)
    if wait:
        raise ValidationError(
            _("You are sending too fast: wait a few seconds."),
            code="rate_limited",
            params={"retry_after": wait},
        )


def _members_for_sending(actor, conversation_id):
    """The member ids of a conversation the actor sits in, refusing the actor if they do not
    or if another member blocks them — one query."""
    rows = list(
        Participant.objects.filter(conversation_id=conversation_id)
        .annotate(
            blocks_actor=Exists(
                Block.objects.filter(blocker_id=OuterRef("user_id"), blocked_id=actor.pk)
            )
        )
        .values_list("user_id", "blocks_actor")
    )
    if all(user_id != actor.pk for user_id, _blocks in rows):
        raise PermissionDenied(_("You are not in this conversation."))
    if any(blocks for _user_id, blocks in rows):
        raise PermissionDenied(_("You cannot write in this conversation."))
    return [user_id for user_id, _blocks in rows]


def _message_payload(message):
    author = message.author
    return {
        "message": message.pk,
        "author": message.author_id,
        "author_name": author.display_name if author else "",
        "text": "" if message.is_deleted else message.text,
        "client_key": message.client_key,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
    }


def message_send(*, actor, conversation, text, client_key):
    """Store a message once per client key; returns (message, created).

    Only `conversation.pk` is read, so a caller holding just the id may pass
    `Conversation(pk=id)`. The transaction locks the conversation row (by updating it) before
    inserting, so events get ids in the order of the messages; a key already stored makes the
    insert fail, which undoes the transaction and answers with the stored message — a retry
    costs no rate-limit token."""
    text = (text or "").strip()
    client_key = (client_key or "").strip()
    if not text:
        raise ValidationError(_("Write a message."), code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("A message is at most %(count)s characters.") % {"count": f"{MAX_LENGTH:,}"},
            code="too_long",
        )
    if not client_key:
        raise ValidationError(_("A message needs a client key."), code="no_key")
    if len(client_key) > CLIENT_KEY_LENGTH:
        # Never cut: two messages whose keys share a beginning would be stored as one.
        raise ValidationError(
            _("A client key is at most %(count)s characters.") % {"count": CLIENT_KEY_LENGTH},
            code="key_too_long",
        )
    members = _members_for_sending(actor, conversation.pk)
    now = timezone.now()
    try:
        with transaction.atomic():
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
            message = Message.objects.create(
                conversation_id=conversation.pk,
                author=actor,
                text=text,
                client_key=client_key,
                created_at=now,
            )
            _check_rate(actor)
            Participant.objects.filter(conversation_id=conversation.pk, user=actor).update(
                last_read_id=message.pk
            )
            _record(conversation.pk, Event.Kind.NEW, _message_payload(message), members)
            return message, True
    except IntegrityError:
        existing = Message.objects.filter(author=actor, client_key=client_key).first()
        if existing is None:
            raise
        if existing.conversation_id != conversation.pk:
            raise ValidationError(
                _("This key was used for another message."), code="key_reused"
            ) from None
        return existing, False


def _own_message(actor, message_id):
    message = Message.objects.select_related("conversation", "author").filter(pk=message_id).first()
    if message is None or message.author_id != actor.pk:
        raise PermissionDenied(_("You can only change your own messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."), code="deleted")
    return message


def message_edit(*, actor, message_id, text):
    text = (text or "").strip()
    if not text or len(text) > MAX_LENGTH:
        raise ValidationError(_("A message has 1 to 4,000 characters."), code="bad_length")
    with transaction.atomic():
        message = _own_message(actor, message_id)
        if timezone.now() - message.created_at > EDIT_WINDOW:
            raise ValidationError(
                _("A message can be edited for 15 minutes after it is sent."), code="too_late"
            )
        message.text = text
        message.edited_at = timezone.now()
        message.save(update_fields=["text", "edited_at"])
        _record(message.conversation_id, Event.Kind.EDITED, _message_payload(message))
    return message


def message_delete(*, actor, message_id):
    """Delete for everyone: the text is gone for all (reports keep their own copy)."""
    with transaction.atomic():
        message = _own_message(actor, message_id)
        message.deleted_at = timezone.now()
        message.text = ""
        message.save(update_fields=["deleted_at", "text"])
        _record(message.conversation_id, Event.Kind.DELETED, _message_payload(message))
    return message


def mark_read(*, actor, conversation, up_to=None):
    """The actor has read the conversation up to a message (the last one by default)."""
    seat = _seat(actor, conversation)
    last = (
        Message.objects.filter(conversation_id=conversation.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    up_to = min(int(up_to or last), last)
    if up_to <= seat.last_read_id:
        return seat
    with transaction.atomic():
        updated = Participant.objects.filter(pk=seat.pk, last_read_id__lt=up_to).update(
            last_read_id=up_to
        )
        if updated:
            _record(conversation.pk, Event.Kind.READ, {"user": actor.pk, "up_to": up_to})
            # The reader's other tabs and pages update their badge.
            transaction.on_commit(lambda: push_unread(actor.pk))
    seat.last_read_id = up_to
    return seat


# --- Reading --------------------------------------------------------------------------------


def unread_counts_for(user_id):
    """{"conversations": {"id": unread}, "total": n} — one query."""
    rows = (
        Participant.objects.filter(user_id=user_id)
        .annotate(
            unread=Count(
                "conversation__messages",
                filter=Q(conversation__messages__pk__gt=F("last_read_id"))
                & ~Q(conversation__messages__author_id=user_id)
                & Q(conversation__messages__deleted_at__isnull=True),
            )
        )
        .values_list("conversation_id", "unread")
    )
    # String keys: the event travels as msgpack through Redis and as JSON to the browser.
    counts = {str(conversation_id): unread for conversation_id, unread in rows if unread}
    return {"conversations": counts, "total": sum(counts.values())}


def events_after(user, last_event_id, limit=500):
    """What the user's client missed: events of their conversations after an id, in order, at
    most `limit` of them (callers page until a page comes back short)."""
    events = Event.objects.filter(
        conversation__participants__user=user, pk__gt=last_event_id
    ).order_by("pk")[:limit]
    return [event_data(event) for event in events]


# --- Safety ---------------------------------------------------------------------------------


def block(*, actor, user):
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    Block.objects.get_or_create(blocker=actor, blocked=user)


def unblock(*, actor, user):
    Block.objects.filter(blocker=actor, blocked=user).delete()


def report(*, actor, message_id, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what is wrong with this message."))
    message = Message.objects.filter(pk=message_id).first()
    if (
        message is None
        or not Participant.objects.filter(
            conversation_id=message.conversation_id, user=actor
        ).exists()
    ):
        raise PermissionDenied(_("You are not in this conversation."))
    report, _created = Report.objects.get_or_create(
        message=message,
        reporter=actor,
        defaults={"reason": reason[:1000], "text": message.text},
    )
    return report


def digests_send(*, now=None):
    """One e-mail per person with messages unread for MESSAGING_DIGEST_MINUTES, covering all
    of them; each message is told about once, and not at all if it was read in time.

    The participant rows are claimed with a conditional UPDATE, so two schedulers never mail
    the same messages twice. Returns how many people were mailed.
    """
    from messaging import tasks

    cutoff = (now or timezone.now()) - timedelta(minutes=settings.MESSAGING_DIGEST_MINUTES)
    seats = (
        Participant.objects.filter(
            conversation__messages__created_at__lte=cutoff,
            conversation__messages__pk__gt=F("last_read_id"),
            conversation__messages__deleted_at__isnull=True,
        )
        .filter(conversation__messages__pk__gt=F("emailed_up_to_id"))
        .exclude(conversation__messages__author_id=F("user_id"))
        .values_list("pk", "user_id", "conversation_id")
        .distinct()
    )
    by_user = {}
    for seat_id, user_id, conversation_id in seats:
        seat = Participant.objects.get(pk=seat_id)
        newest = (
            Message.objects.filter(conversation_id=conversation_id, created_at__lte=cutoff)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        after = max(seat.emailed_up_to_id, seat.last_read_id)
        claimed = Participant.objects.filter(
            pk=seat_id, emailed_up_to_id=seat.emailed_up_to_id, last_read_id__lt=newest
        ).update(emailed_up_to_id=newest)
        if claimed:
            by_user.setdefault(user_id, []).append([conversation_id, after, newest])
    for user_id, ranges in by_user.items():
        transaction.on_commit(
            lambda user_id=user_id, ranges=ranges: tasks.send_digest.enqueue(
                user_id=user_id, ranges=ranges
            )
        )
    return len(by_user)


def online(user_id):
    return bool(cache.get(f"messaging:online:{user_id}"))
