"""Start-up grants: award (never beyond what remains in the fund), cancel, check a tranche's
condition, record a payment.

Locks: an award locks the programme row, so two awards at once are counted one after the
other against the fund; a payment locks its grant row."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from programmes.models import CENTS, Disbursement, Grant, Programme, Tranche

MANAGE_GRANTS = "programmes.manage_grants"


def _require(actor):
    if actor is None or not actor.has_perm(MANAGE_GRANTS):
        raise PermissionDenied(_("You cannot manage grants."))


def _money(value, field):
    try:
        amount = Decimal(str(value)).quantize(CENTS)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount.")}, code="amount") from None
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")}, code="amount")
    return amount


def fund_totals(programme):
    """{"fund", "committed", "disbursed", "remaining"} in EUR — two queries."""
    committed = Grant.objects.filter(programme=programme, status=Grant.Status.AWARDED).aggregate(
        total=Sum("amount_eur")
    )["total"] or Decimal("0")
    disbursed = Disbursement.objects.filter(tranche__grant__programme=programme).aggregate(
        total=Sum("amount_eur")
    )["total"] or Decimal("0")
    fund = programme.fund_eur or Decimal("0")
    return {
        "fund": fund,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": fund - committed,
    }


def grant_award(
    *, actor, programme, business, amount_eur, exchange_rate, decided_on, purpose, tranches
):
    """Award a grant paid in `tranches` ([{"amount_eur", "condition", "due_on"}], adding up to
    the grant). Refused when it is more than what remains in the programme's fund."""
    _require(actor)
    amount = _money(amount_eur, "amount_eur")
    try:
        rate = Decimal(str(exchange_rate)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError, TypeError):
        rate = Decimal("0")
    if rate <= 0:
        raise ValidationError({"exchange_rate": _("Enter the rate of the decision date.")})
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the grant pays for.")})
    if not tranches:
        raise ValidationError(_("A grant is paid in at least one tranche."), code="no_tranche")
    parts = [
        (
            _money(part.get("amount_eur"), "tranches"),
            (part.get("condition") or "").strip(),
            part.get("due_on"),
        )
        for part in tranches
    ]
    if sum(part[0] for part in parts) != amount:
        raise ValidationError(
            _("The tranches add up to %(sum)s €, not %(amount)s €.")
            % {"sum": sum(part[0] for part in parts), "amount": amount},
            code="tranches_sum",
        )
    if any(not condition or due_on is None for _amount, condition, due_on in parts):
        raise ValidationError(
            _("Each tranche needs a condition and a due date."), code="tranche_fields"
        )
    if business.status != "published":
        raise ValidationError(_("Only a published business can be funded."), code="business")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        remaining = fund_totals(programme)["remaining"]
        if amount > remaining:
            raise ValidationError(
                _("Only %(remaining)s € remain in the fund.") % {"remaining": remaining},
                code="fund_exceeded",
            )
        grant = Grant.objects.create(
            programme=programme,
            business=business,
            amount_eur=amount,
            exchange_rate=rate,
            amount_mad=(amount * rate).quantize(CENTS),
            decided_on=decided_on,
            decided_by=actor,
            purpose=purpose[:300],
        )
        Tranche.objects.bulk_create(
            Tranche(
                grant=grant,
                number=number,
                amount_eur=part_amount,
                condition=condition[:300],
                due_on=due_on,
            )
            for number, (part_amount, condition, due_on) in enumerate(parts, start=1)
        )
    return grant


def grant_cancel(*, actor, grant, reason):
    """Give the money back to the fund; only before anything was paid."""
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the grant is cancelled."), code="reason")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.status == Grant.Status.CANCELLED:
            raise ValidationError(_("This grant is already cancelled."), code="cancelled")
        if Disbursement.objects.filter(tranche__grant=grant).exists():
            raise ValidationError(
                _("Part of this grant was paid: it cannot be cancelled."), code="paid"
            )
        grant.status = Grant.Status.CANCELLED
        grant.cancel_reason = reason[:300]
        grant.save(update_fields=["status", "cancel_reason"])
    return grant


def tranche_condition_met(*, actor, tranche, on):
    _require(actor)
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("grant").get(pk=tranche.pk)
        if tranche.grant.status != Grant.Status.AWARDED:
            raise ValidationError(_("This grant is cancelled."), code="cancelled")
        tranche.condition_met_on = on
        tranche.condition_checked_by = actor
        tranche.save(update_fields=["condition_met_on", "condition_checked_by"])
    return tranche


def disbursement_record(*, actor, tranche, amount_eur, paid_on, reference):
    """A payment of (part of) a tranche whose condition is met; never more than the tranche."""
    _require(actor)
    amount = _money(amount_eur, "amount_eur")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Enter the payment reference.")})
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=tranche.grant_id)
        tranche = Tranche.objects.get(pk=tranche.pk)
        if grant.status != Grant.Status.AWARDED:
            raise ValidationError(_("This grant is cancelled."), code="cancelled")
        if tranche.condition_met_on is None:
            raise ValidationError(
                _("The condition of this tranche is not met yet."), code="condition"
            )
        paid = tranche.disbursements.aggregate(total=Sum("amount_eur"))["total"] or Decimal("0")
        if paid + amount > tranche.amount_eur:
            raise ValidationError(
                _("Only %(left)s € of this tranche remain to be paid.")
                % {"left": tranche.amount_eur - paid},
                code="tranche_exceeded",
            )
        return Disbursement.objects.create(
            tranche=tranche,
            amount_eur=amount,
            amount_mad=(amount * grant.exchange_rate).quantize(CENTS),
            paid_on=paid_on,
            reference=reference[:100],
            recorded_by=actor,
        )
