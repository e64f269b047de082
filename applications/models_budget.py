"""An application's budget: its lines, each a quantity times a unit cost in the call's currency."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from grants.models import money_field
from grants.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


def line_total_expression():
    """A line's quantity times its unit cost, in SQL."""
    return ExpressionWrapper(
        F("quantity") * F("unit_cost"),
        output_field=DecimalField(max_digits=MONEY_MAX_DIGITS + 6, decimal_places=MONEY_DECIMAL_PLACES * 2),
    )


class BudgetLine(ChoiceLabels, models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Fees and personnel")
        MATERIALS = "materials", _("Materials and supplies")
        EQUIPMENT = "equipment", _("Equipment")
        TRAVEL = "travel", _("Travel and accommodation")
        SERVICES = "services", _("Services and rent")
        PROMOTION = "promotion", _("Promotion and publications")
        OTHER = "other", _("Other")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_cost = money_field(_("unit cost"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return self.description

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))
