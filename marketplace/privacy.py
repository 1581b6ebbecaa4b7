def export_businesses(user):
    """The businesses a person belongs to, with their private part (it is theirs)."""
    from marketplace.models import Business

    businesses = (
        Business.objects.of_member(user)
        .select_related("private")
        .prefetch_related("memberships", "offers", "languages")
    )
    data = []
    for business in businesses:
        role = next(m.role for m in business.memberships.all() if m.user_id == user.pk)
        private = getattr(business, "private", None)
        data.append(
            {
                "name": business.name,
                "role": role,
                "status": business.status,
                "legal_form": business.legal_form,
                "sector": business.sector,
                "region": business.region,
                "city": business.city,
                "description": business.description,
                "languages": [language.code for language in business.languages.all()],
                "contact": {
                    kind: getattr(business, kind)
                    for kind in ("phone", "whatsapp", "email", "website")
                },
                "registration_number": private.registration_number if private else "",
                "offers": [
                    {"title": offer.title, "price_mad": str(offer.price_mad or "")}
                    for offer in business.offers.all()
                ],
            }
        )
    return data
