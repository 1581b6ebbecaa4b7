"""Every change of state of a business, its members, offers and inquiries.

Each function takes keyword arguments, checks the actor's permission, runs in one transaction
and sends its notifications once the transaction has committed. Changes of status lock the
business row (select_for_update) so that two concurrent transitions cannot both apply.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.bidi import strip_bidi_controls
from marketplace import tasks
from marketplace.images import without_metadata

__all__ = [
    "TRANSITIONS",
    "business_create",
    "business_photo_add",
    "business_photo_delete",
    "business_transition",
    "business_update",
    "inquiry_send",
    "invitation_accept",
    "is_staff_moderator",
    "member_invite",
    "member_remove",
    "offer_delete",
    "offer_save",
    "role_of",
]

from marketplace.models import (
    Business,
    BusinessEvent,
    BusinessPhoto,
    BusinessPrivateInfo,
    BusinessStatus,
    Inquiry,
    Invitation,
    Membership,
    Offer,
    SpokenLanguage,
)

S = BusinessStatus

# action: (statuses it starts from, status it leads to, who may do it, a reason is required)
TRANSITIONS = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED, "owner", False),
    "request_changes": ({S.SUBMITTED}, S.CHANGES_REQUESTED, "staff", True),
    "publish": ({S.SUBMITTED}, S.PUBLISHED, "staff", False),
    "hide": ({S.PUBLISHED}, S.HIDDEN, "owner", False),
    "unhide": ({S.HIDDEN}, S.PUBLISHED, "owner", False),
    "suspend": ({S.PUBLISHED, S.HIDDEN}, S.SUSPENDED, "staff", True),
    "reinstate": ({S.SUSPENDED}, S.PUBLISHED, "staff", False),
}

PROFILE_FIELDS = [
    "name",
    "tagline",
    "description",
    "content_language",
    "legal_form",
    "stage",
    "sector",
    "region",
    "city",
    "needs",
    "phone",
    "phone_visibility",
    "whatsapp",
    "whatsapp_visibility",
    "email",
    "email_visibility",
    "website",
    "website_visibility",
]


# --- permissions ----------------------------------------------------------------------------


def is_staff_moderator(user):
    return user.is_authenticated and user.has_perm("marketplace.moderate_business")


def role_of(user, business):
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(business=business, user=user).values_list("role", flat=True)
    ).first()


def _require_owner(user, business):
    if role_of(user, business) != Membership.Role.OWNER:
        raise PermissionDenied(_("Only the owners of this business can do this."))


def _require_member(user, business):
    if role_of(user, business) is None:
        raise PermissionDenied(_("Only the members of this business can do this."))


def _names(fields, tags):
    """The name and the tags as they are kept: without explicit directional formatting."""
    if isinstance(fields.get("name"), str):
        fields["name"] = strip_bidi_controls(fields["name"]).strip()
    if tags is not None:
        tags = [tag for tag in (strip_bidi_controls(tag).strip() for tag in tags) if tag]
    return fields, tags


def _unique_slug(name):
    # ASCII only (Arabic letters and every bidirectional control are left out).
    base = slugify(strip_bidi_controls(name))[:120] or "business"
    slug, number = base, 2
    while Business.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- profile --------------------------------------------------------------------------------


def business_create(*, actor, languages=(), tags=(), logo=None, registration_number="", **fields):
    """A new draft business with its creator as first owner."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to create a business."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields, tags = _names(fields, tags)
    with transaction.atomic():
        business = Business(slug=_unique_slug(fields.get("name", "")), **fields)
        if logo:
            business.logo = without_metadata(logo, logo.name)
        business.full_clean()
        business.save()
        Membership.objects.create(business=business, user=actor, role=Membership.Role.OWNER)
        BusinessPrivateInfo.objects.create(
            business=business, registration_number=registration_number
        )
        _set_languages(business, languages)
        business.tags.set(list(tags))
        BusinessEvent.objects.create(
            business=business,
            actor=actor,
            action="create",
            from_status=S.DRAFT,
            to_status=S.DRAFT,
        )
    return business


def business_update(
    *, actor, business, languages=None, tags=None, logo=None, registration_number=None, **fields
):
    """Owners edit the profile; a published business shows the changes at once."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields, tags = _names(fields, tags)
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        _require_owner(actor, business)
        if business.status == S.SUSPENDED:
            raise PermissionDenied(_("A suspended business cannot be changed."))
        for name, value in fields.items():
            setattr(business, name, value)
        if logo:
            business.logo = without_metadata(logo, logo.name)
        business.full_clean(exclude=["slug"])
        business.save()
        if languages is not None:
            _set_languages(business, languages)
        if tags is not None:
            business.tags.set(list(tags))
        if registration_number is not None:
            BusinessPrivateInfo.objects.update_or_create(
                business=business, defaults={"registration_number": registration_number}
            )
    return business


def _set_languages(business, codes):
    business.languages.all().delete()
    SpokenLanguage.objects.bulk_create(
        [SpokenLanguage(business=business, code=code) for code in dict.fromkeys(codes)]
    )


def business_photo_add(*, actor, business, image, caption=""):
    _require_owner(actor, business)
    if business.photos.count() >= 8:
        raise ValidationError(_("A business shows at most 8 photos."))
    photo = BusinessPhoto(business=business, caption=caption)
    photo.image = without_metadata(image, image.name)
    photo.save()
    return photo


def business_photo_delete(*, actor, photo):
    _require_owner(actor, photo.business)
    photo.image.delete(save=False)
    photo.delete()


# --- status ---------------------------------------------------------------------------------


def business_transition(*, actor, business, action, reason=""):
    """Move a business along its lifecycle; see TRANSITIONS for who may do what, from where.

    Holds a row lock on the business for the check and the change. The owners are notified
    (and the programme team, on submission) once the transaction has committed.
    """
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    sources, target, who, needs_reason = TRANSITIONS[action]
    reason = (reason or "").strip()
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        if who == "staff" and not is_staff_moderator(actor):
            raise PermissionDenied(_("Only the programme team can do this."))
        if who == "owner":
            _require_owner(actor, business)
        if business.status not in sources:
            raise ValidationError(
                _("This business is “%(status)s”: that is not possible now.")
                % {"status": business.get_status_display()}
            )
        if needs_reason and not reason:
            raise ValidationError(_("Say why, so that the owners know what to do."))
        previous = business.status
        business.status = target
        if target == S.PUBLISHED and business.published_at is None:
            business.published_at = timezone.now()
        business.save(update_fields=["status", "published_at", "updated_at"])
        event = BusinessEvent.objects.create(
            business=business,
            actor=actor,
            action=action,
            from_status=previous,
            to_status=target,
            reason=reason,
        )
        transaction.on_commit(lambda: tasks.notify_business_status.enqueue(event_id=event.pk))
    return business


# --- members --------------------------------------------------------------------------------


def member_invite(*, actor, business, email, role=Membership.Role.OWNER):
    """An owner invites someone by e-mail to co-own (or help run) the business."""
    email = email.strip().lower()
    with transaction.atomic():
        _require_owner(actor, business)
        if Membership.objects.filter(business=business, user__email__iexact=email).exists():
            raise ValidationError(_("This person is already a member of the business."))
        invitation, created = Invitation.objects.get_or_create(
            business=business,
            email=email,
            accepted_at=None,
            defaults={"role": role, "invited_by": actor},
        )
        if not created:
            invitation.role = role
            invitation.invited_by = actor
            invitation.save(update_fields=["role", "invited_by"])
        transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


def invitation_accept(*, actor, invitation_id):
    """The invited person, logged in with the invited address, joins the business."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, accepted_at__isnull=True)
            .first()
        )
        if invitation is None or invitation.email.lower() != actor.email.lower():
            raise PermissionDenied(_("This invitation is not for your account, or was used."))
        Membership.objects.get_or_create(
            business=invitation.business, user=actor, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return invitation.business


def member_remove(*, actor, business, user):
    """An owner removes a member, or a member leaves. The last owner can do neither: a business
    always has someone who answers for it."""
    with transaction.atomic():
        # Lock the business so that two owners cannot both leave at the same moment.
        business = Business.objects.select_for_update().get(pk=business.pk)
        if actor.pk != user.pk:
            _require_owner(actor, business)
        membership = Membership.objects.filter(business=business, user=user).first()
        if membership is None:
            raise ValidationError(_("This person is not a member of the business."))
        if membership.role == Membership.Role.OWNER:
            owners = Membership.objects.filter(business=business, role=Membership.Role.OWNER)
            if owners.count() == 1:
                raise ValidationError(_("The last owner cannot leave: invite another owner first."))
        membership.delete()


# --- offers and inquiries -------------------------------------------------------------------


def offer_save(*, actor, business, offer=None, photo=None, **fields):
    _require_member(actor, business)
    if offer is not None and offer.business_id != business.pk:
        raise PermissionDenied(_("This offer belongs to another business."))
    offer = offer or Offer(business=business)
    if isinstance(fields.get("title"), str):
        fields["title"] = strip_bidi_controls(fields["title"]).strip()
    for name, value in fields.items():
        setattr(offer, name, value)
    if photo:
        offer.photo = without_metadata(photo, photo.name)
    offer.full_clean()
    offer.save()
    return offer


def offer_delete(*, actor, offer):
    _require_member(actor, offer.business)
    offer.delete()


def inquiry_send(*, actor, business, message, offer=None, share_email=False):
    """A signed-in visitor writes to a published business; its owners get it by e-mail."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to contact a business."))
    if not business.is_public:
        raise PermissionDenied(_("This business is not published."))
    if offer is not None and offer.business_id != business.pk:
        raise PermissionDenied(_("This offer belongs to another business."))
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Write a message."))
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            business=business, offer=offer, sender=actor, message=message, share_email=share_email
        )
        transaction.on_commit(lambda: tasks.notify_inquiry.enqueue(inquiry_id=inquiry.pk))
    return inquiry
