"""The inbox and a conversation's page. Both work without JavaScript: the page lists the
history (older pages by link) and a plain form posts a message; static/js/chat.js adds the
live socket on top.

A conversation someone does not sit in is a 404, never its content.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.models import Application, Business
from marketplace.views import error_text
from mentoring.models import Mentorship
from messaging import queries, services
from messaging.forms import MessageForm, ReportForm
from messaging.models import Block, Conversation


@login_required
def inbox(request):
    search = request.GET.get("q", "").strip()[:100]
    conversations = list(queries.inbox(request.user, search)[:100])
    return render(
        request, "messaging/inbox.html", {"conversations": conversations, "search": search}
    )


def _own(request, conversation_id):
    conversation = Conversation.objects.filter(
        pk=conversation_id, participants__user=request.user
    ).first()
    if conversation is None:
        raise Http404
    return conversation


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request, conversation_id):
    conversation = _own(request, conversation_id)
    form = MessageForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                actor=request.user,
                conversation=conversation,
                text=form.cleaned_data["text"],
                client_key=form.cleaned_data["client_key"],
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
            if getattr(error, "code", None) == "rate_limited":
                retry_after = error.params["retry_after"]
        else:
            return redirect(conversation.get_absolute_url() + "#latest")
    try:
        before = int(request.GET.get("before", "")) or None
    except ValueError:
        before = None
    # The resume point is read before the page: a message committed in between is then both
    # replayed by the socket (the page places messages by id, so twice is harmless) and left
    # unread, instead of missing from the page, from the replay and from the unread count.
    last_event = services.last_event_id(request.user.pk)
    page, older = queries.history(conversation, before=before)
    if not before and page:
        services.mark_read(actor=request.user, conversation=conversation, up_to=page[-1].pk)
    others = [
        p.user
        for p in conversation.participants.select_related("user")
        if p.user_id != request.user.pk
    ]
    response = render(
        request,
        "messaging/conversation.html",
        {
            "conversation": conversation,
            "messages_page": page,
            "older": older,
            "form": form,
            "report_form": ReportForm(),
            "others": others,
            "last_event": last_event,
            "blocked": set(
                Block.objects.filter(blocker=request.user).values_list("blocked_id", flat=True)
            ),
        },
    )
    if retry_after:
        # Sending too fast: the page comes back with the message still in the box, as a 429.
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
def start(request, subject, object_id):
    """Open (or reopen) the conversation about a business, a mentorship or an application."""
    try:
        if subject == "business":
            business = get_object_or_404(Business, pk=object_id)
            conversation = services.conversation_with_business(
                actor=request.user, business=business
            )
        elif subject == "mentorship":
            mentorship = get_object_or_404(
                Mentorship.objects.select_related("mentor"), pk=object_id
            )
            conversation = services.conversation_for_mentorship(
                actor=request.user, mentorship=mentorship
            )
        elif subject == "application":
            application = get_object_or_404(
                Application.objects.select_related("opportunity"), pk=object_id
            )
            conversation = services.conversation_for_application(
                actor=request.user, application=application
            )
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("messaging:inbox")
    return redirect(conversation.get_absolute_url())


@login_required
@require_POST
def report(request, conversation_id):
    conversation = _own(request, conversation_id)
    form = ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what is wrong with this message."))
        message = conversation.messages.filter(pk=form.cleaned_data["message"]).first()
        if message is None:
            raise Http404
        services.report(
            actor=request.user, message_id=message.pk, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Thank you: the programme team will look at it."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect(conversation.get_absolute_url())


@login_required
@require_POST
def block(request, conversation_id, user_id):
    conversation = _own(request, conversation_id)
    other = get_object_or_404(
        get_user_model(), pk=user_id, conversation_seats__conversation=conversation
    )
    if request.POST.get("undo"):
        services.unblock(actor=request.user, user=other)
        messages.success(request, _("Unblocked."))
    else:
        try:
            services.block(actor=request.user, user=other)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Blocked: they can no longer write to you."))
    return redirect(conversation.get_absolute_url())
