"""The rows of the staff ranking table, rendered in Python.

A call can have thousands of ranked applications. Written as template markup, each row costs
about fifteen template nodes (a url, filters, lookups, the status label) and 5,000 rows took well
over a second; this tag renders the same HTML in a few tens of milliseconds (bench/ranking.py).
The output is what the template loop rendered: numbers localised as ``{{ value }}`` does, money
as the ``money`` filter does, text escaped, translated labels as ``{% translate %}`` gives them.
The header row lives in ``reviews/staff/ranking.html``: change the two together. The first cell
selects a decidable application for the bulk decision form (``form="bulk-form"``). Rows are
``reviews.selectors.RankedApplication``; the tag reads their plain attributes, never
``row.application`` (building the model instances is what the selector avoids).
"""

from decimal import Decimal
from html import escape

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from applications.models import Application
from grants.money import quantize
from grants.views_decisions import DECIDABLE

register = template.Library()

_PK_SENTINEL = "987654321"


class _Numbers:
    """Localised numbers for the active language, with Django's own rules (django.utils.formats
    ``number_format`` and ``numberformat.format``) and a fast path for the usual settings."""

    def __init__(self):
        lang = get_language()
        self.decimal_sep = get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
        self.thousand_sep = get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)
        # numberformat.format groups digits when USE_THOUSAND_SEPARATOR is on (or grouping is forced).
        self.plain_ungrouped = not settings.USE_THOUSAND_SEPARATOR or self.grouping == 0
        self.separators = str.maketrans({",": self.thousand_sep, ".": self.decimal_sep})
        # Digits and "-" never need escaping; the separators only in theory.
        separators = self.decimal_sep + self.thousand_sep
        self.escape = str if escape(separators) == separators else escape

    def plain(self, value):
        """An int or Decimal as ``{{ value }}`` renders it, escaped."""
        if self.plain_ungrouped:
            if isinstance(value, int):
                return str(value)
            text = f"{value:f}"
            return self.escape(text.replace(".", self.decimal_sep) if self.decimal_sep != "." else text)
        return escape(str(numberformat.format(value, self.decimal_sep, None, self.grouping, self.thousand_sep)))

    def money(self, amount, currency_suffix):
        """As grants.money.format_money (two decimals, always grouped, then the currency), escaped;
        ``currency_suffix`` is the no-break space and the escaped currency code."""
        if amount is None:
            return ""
        amount = quantize(amount)
        if self.grouping == 3:
            # numberformat.format shows anything under 0.01 (after quantize: any zero, even -0) as 0.
            text = f"{amount if amount else Decimal('0.00'):,f}".translate(self.separators)
        else:
            text = numberformat.format(amount, self.decimal_sep, 2, self.grouping, self.thousand_sep, True)
        return self.escape(text) + currency_suffix


@register.simple_tag
def ranking_rows(rows, call):
    numbers = _Numbers()
    currency = "\u00a0" + escape(str(call.currency))
    statuses = {value: escape(str(label)) for value, label in Application._meta.get_field("status").flatchoices}
    url = escape(reverse("applications:detail", kwargs={"pk": _PK_SENTINEL}))
    url_before, _sentinel, url_after = url.partition(_PK_SENTINEL)
    # {% translate %} of a literal is not escaped; blocktranslate escapes only the variables.
    funding_line = gettext("Funding line: the budget pool ends here")
    disagree = gettext("reviewers disagree: discuss")
    select_label = gettext("Select %(ref)s")

    def score(value):
        return "—" if value is None else numbers.plain(value)

    out = []
    previous_within = None
    for counter, row in enumerate(rows, start=1):
        within = row.within_budget
        out.append("\n    ")
        if counter > 1 and within != previous_within and not within:
            out.append(f'<tr class="table-danger"><td colspan="10"><strong>{funding_line}</strong></td></tr>')
        previous_within = within
        reference = escape(str(row.reference))
        title = escape(str(row.title))
        if row.status in DECIDABLE:
            label = select_label % {"ref": reference}
            select = (
                f'<input class="form-check-input" type="checkbox" name="applications" value="{row.pk}" '
                f'form="bulk-form" id="select-{row.pk}"><label class="visually-hidden" for="select-{row.pk}">'
                f"{label}</label>"
            )
        else:
            select = ""
        row_class = "" if within else ' class="text-body-secondary"'
        badge = f' <span class="badge text-bg-warning">{disagree}</span>' if row.disputed else ""
        status = statuses.get(row.status) or escape(str(row.status))
        out.append(
            f"\n    <tr{row_class}>"
            f"\n      <td>{select}</td>"
            f"\n      <td>{numbers.plain(counter)}</td>"
            f'\n      <td><a href="{url_before}{row.pk}{url_after}">{reference}</a> {title}{badge}</td>'
            f"\n      <td>{status}</td>"
            f'\n      <td class="text-end">{numbers.plain(row.reviews)}</td>'
            f'\n      <td class="text-end">{score(row.mean)}</td>'
            f'\n      <td class="text-end">{score(row.spread)}</td>'
            f'\n      <td class="text-end">{score(row.normalised)}</td>'
            f'\n      <td class="text-end">{numbers.money(row.requested_amount, currency)}</td>'
            f'\n      <td class="text-end">{numbers.money(row.cumulative, currency)}</td>'
            "\n    </tr>\n  "
        )
    return mark_safe("".join(out))
