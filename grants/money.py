"""Money is Decimal with an ISO 4217 currency. Never floats."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

CURRENCIES = [
    ("EUR", _("Euro (EUR)")),
    ("USD", _("US dollar (USD)")),
    ("PLN", _("Polish złoty (PLN)")),
    ("UAH", _("Ukrainian hryvnia (UAH)")),
    ("BYN", _("Belarusian rouble (BYN)")),
    ("GBP", _("Pound sterling (GBP)")),
    ("CHF", _("Swiss franc (CHF)")),
    ("CZK", _("Czech koruna (CZK)")),
    ("HUF", _("Hungarian forint (HUF)")),
    ("RON", _("Romanian leu (RON)")),
    ("MDL", _("Moldovan leu (MDL)")),
    ("SEK", _("Swedish krona (SEK)")),
    ("NOK", _("Norwegian krone (NOK)")),
]
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENT = Decimal("0.01")


def quantize(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str) -> str:
    """``12 345,00 PLN`` in Polish, ``12,345.00 PLN`` in English (active locale)."""
    if amount is None:
        return ""
    return f"{number_format(quantize(amount), decimal_pos=2, force_grouping=True)}\u00a0{currency}"


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )
