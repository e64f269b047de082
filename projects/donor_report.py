"""The donor report of a programme, or of one of its phases: the money, the indicators against their
targets, the initiatives supported and the good practices, as XLSX or PDF, in the chosen language.

The donor is an outsider: initiatives of confidential and emergency calls are anonymised by the one
rule of ``applications.identity`` (as in open data), and good practices are their public version.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.identity import open_data_recipient
from grants.money import format_money
from grants.translations import translated

from . import programme_results
from .open_data import NothingToPublish, programme_grants
from .pdf import html_to_pdf
from .selectors import public_good_practices


@dataclass
class DonorReport:
    programme: object
    phase: object
    money: programme_results.ProgrammeMoney
    indicators: list  # (name, target, achieved)
    initiatives: list  # dicts: call, title, recipient, place, amount
    practices: list


def _initiative(application) -> dict:
    call = application.competition
    recipient = open_data_recipient(application.group, call, prefix=settings.GIVING360_PREFIX)
    region = application.region
    if recipient.anonymised:
        title = _("A project of “%(call)s”") % {"call": translated(call, "title")}
        place = region.country if region else ""
    else:
        title = application.title
        place = str(region) if region else ""
    return {
        "call": translated(call, "title"),
        "title": title,
        "recipient": recipient.name,
        "place": place,
        "amount": format_money(application.awarded_amount, call.currency),
    }


def donor_report(programme, phase=None) -> DonorReport:
    calls = programme_results.programme_calls(programme)
    if phase is not None:
        calls = [call for call in calls if call.phase_id == phase.pk]
    money = programme_results.programme_money(programme, calls)
    rollups = programme_results.indicator_rollups(programme)
    indicators = [(r.indicator.name, r.target, r.by_phase.get(phase.pk, 0) if phase else r.achieved) for r in rollups]
    grants = programme_grants(programme)
    if phase is not None:
        grants = grants.filter(competition__phase=phase)
    initiatives = [_initiative(application) for application in grants]
    if not initiatives and not calls:
        raise NothingToPublish(
            _("“%(programme)s” has no calls yet: there is nothing to report.") % {"programme": programme.name}
        )
    practices = public_good_practices(programme)
    return DonorReport(programme, phase, money, indicators, initiatives, practices)


def report_title(report: DonorReport) -> str:
    if report.phase:
        return _("Donor report: %(programme)s, %(phase)s") % {
            "programme": report.programme.name,
            "phase": report.phase.name,
        }
    return _("Donor report: %(programme)s") % {"programme": report.programme.name}


def as_xlsx(report: DonorReport, language: str) -> bytes:
    from openpyxl import Workbook

    with translation.override(language):
        workbook = Workbook()
        money = workbook.active
        money.title = _("Money")[:31]
        money.append([report_title(report)])
        money.append([_("Call"), _("Currency"), _("Budget pool"), _("Committed"), _("Paid"), _("Remaining")])
        for call, row in report.money.calls:
            money.append([translated(call, "title"), row.currency, row.pool, row.committed, row.paid, row.remaining])
        for row in report.money.currencies:
            money.append([_("Total"), row.currency, row.pool, row.committed, row.paid, row.remaining])
        indicators = workbook.create_sheet(_("Indicators")[:31])
        indicators.append([_("Only accepted reports count.")])
        indicators.append([_("Indicator"), _("Target"), _("Achieved")])
        for name, target, achieved in report.indicators:
            indicators.append([name, target, achieved])
        initiatives = workbook.create_sheet(_("Initiatives")[:31])
        initiatives.append([_("Call"), _("Initiative"), _("Group"), _("Place"), _("Awarded")])
        for item in report.initiatives:
            initiatives.append([item["call"], item["title"], item["recipient"], item["place"], item["amount"]])
        practices = workbook.create_sheet(_("Good practices")[:31])
        practices.append([_("Initiative"), _("Who and where"), _("Summary")])
        for practice in report.practices:
            practices.append([practice.title, practice.byline, practice.summary])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def as_pdf(report: DonorReport, language: str) -> bytes:
    with translation.override(language):
        title = report_title(report)
        html = render_to_string(
            "projects/donor_report.html", {"report": report, "title": title, "today": timezone.localdate()}
        )
    return html_to_pdf(html, title=title)


def brochure_pdf(programme, language: str) -> bytes:
    """The best-practices brochure: the programme's good practices, in their public version only."""
    practices = public_good_practices(programme)
    if not practices:
        raise NothingToPublish(
            _("“%(programme)s” has no good practices yet: there is no brochure to make.")
            % {"programme": programme.name}
        )
    with translation.override(language):
        title = _("Good practices: %(programme)s") % {"programme": programme.name}
        html = render_to_string(
            "projects/brochure.html", {"programme": programme, "practices": practices, "title": title}
        )
    return html_to_pdf(html, title=title)
