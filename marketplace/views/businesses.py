import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import paginate
from config.bidi import isolate
from marketplace import queries, services
from marketplace.forms import (
    BusinessForm,
    DirectoryFilterForm,
    InquiryForm,
    InviteForm,
    OfferForm,
    PhotoForm,
)
from marketplace.models import Business, Invitation, Offer
from marketplace.views import error_text

OWNER_ACTIONS = {"submit", "hide", "unhide"}


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    businesses = paginate(request, queries.directory(filters))
    return render(
        request,
        "marketplace/directory.html",
        {
            "form": form,
            "businesses": businesses,
            "filtered": any(filters.values()),
            "filters_key": _filters_key(form),
        },
    )


def _filters_key(form):
    """What the filter form shows depends on its valid values alone (not on the page number,
    nor on other parameters): None for a form with errors, which is not cached, so a visitor's
    made-up values neither fill the cache nor show in someone else's page."""
    if not form.is_bound:
        return ""
    if not form.is_valid():
        return None
    values = form.cleaned_data.items()
    return urlencode(sorted((name, str(value)) for name, value in values if value))


def business_detail(request, slug):
    business = queries.public_business(slug)
    preview = business is None
    if preview:
        # Members see their own business before it is published, marked as a preview.
        if not request.user.is_authenticated:
            raise Http404
        business = get_object_or_404(Business.objects.of_member(request.user), slug=slug)
    return render(
        request,
        "marketplace/business_detail.html",
        {
            "business": business,
            "preview": preview,
            "channels": business.contact_channels_for(request.user),
            "inquiry_form": InquiryForm(),
            "json_ld": _json_for_script(_local_business_json_ld(request, business)),
        },
    )


# Owners write the names and texts: inside <script>, "</script>" in them must not end the tag.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json_for_script(data):
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def _local_business_json_ld(request, business):
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": business.name,
        "description": business.tagline or business.description[:200],
        "url": request.build_absolute_uri(business.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": business.city,
            "addressRegion": business.get_region_display(),
            "addressCountry": "MA",
        },
    }
    if business.logo:
        data["logo"] = request.build_absolute_uri(business.logo.url)
    offers = [
        {
            "@type": "Offer",
            "name": offer.title,
            **({"price": str(offer.price_mad), "priceCurrency": "MAD"} if offer.price_mad else {}),
        }
        for offer in business.offers.all()
    ]
    if offers:
        data["makesOffer"] = offers
    return data


@login_required
@require_POST
def inquiry_send(request, slug):
    business = get_object_or_404(Business.objects.published(), slug=slug)
    form = InquiryForm(request.POST)
    if form.is_valid():
        offer = None
        if form.cleaned_data.get("offer"):
            offer = Offer.objects.filter(pk=form.cleaned_data["offer"], business=business).first()
        try:
            services.inquiry_send(
                actor=request.user,
                business=business,
                offer=offer,
                message=form.cleaned_data["message"],
                share_email=form.cleaned_data["share_email"],
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Your message has been sent to the business."))
    else:
        messages.error(request, _("Write a message."))
    return redirect(business.get_absolute_url())


# --- the owners' dashboard ------------------------------------------------------------------


def _my_business(request, business_id):
    """A business the signed-in user belongs to; anyone else's id is a 404."""
    return get_object_or_404(Business.objects.of_member(request.user), pk=business_id)


@login_required
def dashboard(request):
    businesses = list(queries.businesses_of(request.user))
    inquiries = _inquiries_for(businesses) if businesses else []
    invitations = Invitation.objects.filter(
        email__iexact=request.user.email, accepted_at__isnull=True
    ).select_related("business")
    return render(
        request,
        "marketplace/dashboard.html",
        {"businesses": businesses, "inquiries": inquiries, "invitations": invitations},
    )


def _inquiries_for(businesses):
    from marketplace.models import Inquiry

    return (
        Inquiry.objects.filter(business__in=businesses)
        .select_related("business", "offer", "sender")
        .order_by("-created_at")[:50]
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request):
    form = BusinessForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(actor=request.user, **form.service_arguments())
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("Your business is saved as a draft. Submit it for review when it is ready."),
            )
            return redirect("marketplace:dashboard_business", business_id=business.pk)
    return render(request, "marketplace/business_form.html", {"form": form})


@login_required
def dashboard_business(request, business_id):
    business = _my_business(request, business_id)
    return render(
        request,
        "marketplace/dashboard_business.html",
        {
            "business": business,
            "role": services.role_of(request.user, business),
            "memberships": business.memberships.select_related("user").order_by("joined_at"),
            "invitations": business.invitations.filter(accepted_at__isnull=True),
            "offers": business.offers.all(),
            "events": business.events.select_related("actor")[:20],
            "invite_form": InviteForm(),
            "photo_form": PhotoForm(),
            "photos": business.photos.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request, business_id):
    business = _my_business(request, business_id)
    form = BusinessForm(request.POST or None, request.FILES or None, instance=business)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(
                actor=request.user, business=business, **form.service_arguments()
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("marketplace:dashboard_business", business_id=business.pk)
    return render(request, "marketplace/business_form.html", {"form": form, "business": business})


@login_required
@require_POST
def business_action(request, business_id, action):
    business = _my_business(request, business_id)
    if action not in OWNER_ACTIONS:
        raise Http404
    try:
        services.business_transition(actor=request.user, business=business, action=action)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Done."))
    return redirect("marketplace:dashboard_business", business_id=business.pk)


@login_required
@require_POST
def member_invite(request, business_id):
    business = _my_business(request, business_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.member_invite(
                actor=request.user,
                business=business,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The invitation has been sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("marketplace:dashboard_business", business_id=business.pk)


@login_required
@require_POST
def member_remove(request, business_id, user_id):
    business = _my_business(request, business_id)
    member = get_object_or_404(
        get_user_model(), pk=user_id, business_memberships__business=business
    )
    try:
        services.member_remove(actor=request.user, business=business, user=member)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("marketplace:dashboard_business", business_id=business.pk)
    if member.pk == request.user.pk:
        messages.success(request, _("You have left the business."))
        return redirect("marketplace:dashboard")
    messages.success(request, _("The member has been removed."))
    return redirect("marketplace:dashboard_business", business_id=business.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, invitation_id):
    invitation = get_object_or_404(
        Invitation.objects.select_related("business"),
        pk=invitation_id,
        accepted_at__isnull=True,
        email__iexact=request.user.email,
    )
    if request.method == "POST":
        business = services.invitation_accept(actor=request.user, invitation_id=invitation.pk)
        messages.success(
            request, _("You are now a member of %(name)s.") % {"name": isolate(business.name)}
        )
        return redirect("marketplace:dashboard_business", business_id=business.pk)
    return render(request, "marketplace/invitation.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, business_id, offer_id=None):
    business = _my_business(request, business_id)
    offer = get_object_or_404(business.offers, pk=offer_id) if offer_id else None
    form = OfferForm(request.POST or None, request.FILES or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            services.offer_save(
                actor=request.user,
                business=business,
                offer=offer,
                photo=photo if hasattr(photo, "read") else None,
                **data,
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The offer is saved."))
            return redirect("marketplace:dashboard_business", business_id=business.pk)
    return render(
        request, "marketplace/offer_form.html", {"form": form, "business": business, "offer": offer}
    )


@login_required
@require_POST
def offer_delete(request, business_id, offer_id):
    business = _my_business(request, business_id)
    offer = get_object_or_404(business.offers, pk=offer_id)
    services.offer_delete(actor=request.user, offer=offer)
    messages.success(request, _("The offer is deleted."))
    return redirect(reverse("marketplace:dashboard_business", kwargs={"business_id": business.pk}))


@login_required
@require_POST
def photo_add(request, business_id):
    business = _my_business(request, business_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.business_photo_add(
                actor=request.user,
                business=business,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The photo is added."))
    else:
        messages.error(request, " ".join(form.errors.get("image", [_("Choose a photo.")])))
    return redirect("marketplace:dashboard_business", business_id=business.pk)


@login_required
@require_POST
def photo_delete(request, business_id, photo_id):
    business = _my_business(request, business_id)
    photo = get_object_or_404(business.photos, pk=photo_id)
    try:
        services.business_photo_delete(actor=request.user, photo=photo)
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("marketplace:dashboard_business", business_id=business.pk)
