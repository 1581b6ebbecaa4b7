"""Start-up grants from a programme's fund: the award (in EUR, and in MAD at the rate of the
decision date), its tranches with their conditions, and what was paid out."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CENTS = Decimal("0.01")


class Grant(models.Model):
    class Status(models.TextChoices):
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    business = models.ForeignKey(
        "marketplace.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    # Dirhams for one euro on the decision date; the MAD amounts of the grant use it.
    exchange_rate = models.DecimalField(_("MAD for 1 EUR"), max_digits=10, decimal_places=4)
    amount_mad = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AWARDED
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-decided_on", "-pk"]
        permissions = [("manage_grants", _("Can award grants and record disbursements"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0) & Q(exchange_rate__gt=0),
                name="programmes_grant_positive",
            )
        ]

    def __str__(self):
        return f"{self.business} – {self.amount_eur} €"


class Tranche(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("condition"), max_length=300)
    due_on = models.DateField(_("due on"))
    condition_met_on = models.DateField(_("condition met on"), null=True, blank=True)
    condition_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="programmes_tranche_number"),
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0), name="programmes_tranche_positive"
            ),
        ]

    def __str__(self):
        return f"{self.grant} – {self.number}"

    @property
    def amount_mad(self):
        return (self.amount_eur * self.grant.exchange_rate).quantize(CENTS)


class Disbursement(models.Model):
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="disbursements")
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    amount_mad = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0), name="programmes_disbursement_positive"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount_eur} €"
