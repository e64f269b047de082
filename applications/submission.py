"""What must hold before an application may be submitted. Each problem names its field."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.money import format_money

from .call_questions import missing_required

NON_FIELD = "__all__"

# A two-stage call's concept note is short: the idea, where, and about how much.
CONCEPT_REQUIRED_FIELDS = ("title", "summary", "problem", "region", "requested_amount")
REQUIRED_FIELDS = (
    "title",
    "summary",
    "problem",
    "activities",
    "expected_results",
    "beneficiaries",
    "region",
    "planned_start",
    "planned_end",
    "requested_amount",
)
# An emergency request is a short form: what happened, what is needed and what it costs.
SHORT_FORM_SKIPS = ("problem", "expected_results", "beneficiaries")


def required_fields(call) -> tuple:
    return tuple(f for f in REQUIRED_FIELDS if f not in SHORT_FORM_SKIPS) if call.emergency else REQUIRED_FIELDS


def deadline_of(application):
    """The deadline ``application`` is submitted against: the call's, or for an invited full
    proposal of a two-stage call, the full proposals'; ``None`` for a call without one (rolling,
    emergency)."""
    call = application.competition
    if application.status == application.Status.INVITED and call.full_closes_at:
        return call.full_closes_at
    return call.closes_at


def _group_may_still_apply(application, eligible_ids, others) -> str | None:
    call, group = application.competition, application.group
    if group.kind == "informal" and not call.informal_groups_allowed:
        return _("This call is open to registered organisations only.")
    if eligible_ids and group.region_id not in eligible_ids:
        return _("Your group's region is not eligible for this call.")
    if others is None:
        others = (
            call.applications.filter(group=group)
            .exclude(pk=application.pk)
            .exclude(status__in=[application.Status.DRAFT, application.Status.WITHDRAWN])
            .count()
        )
    if others >= call.max_applications_per_group:
        count = call.max_applications_per_group
        return ngettext(
            "Your group has already submitted the %(count)s application this call allows.",
            "Your group has already submitted the %(count)s applications this call allows.",
            count,
        ) % {"count": count}
    return None


def submission_errors(
    application, now=None, *, lines=None, eligible_ids=None, other_applications=None
) -> dict[str, list[str]]:
    """Every reason ``application`` cannot be submitted now, keyed by form field.

    The submit service passes what it has already read under its lock (the budget lines, the
    call's eligible regions, the group's other applications), so the checks cost no query of their
    own; anything not passed is read here, once.
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    call = application.competition
    now = now or timezone.now()
    if eligible_ids is None:
        eligible_ids = {r.pk for r in call.eligible_regions.all()}
    if not call.is_published or now < call.opens_at:
        add(NON_FIELD, _("This call is not open for applications yet."))
    elif (deadline := deadline_of(application)) and now > deadline:
        add(NON_FIELD, _("The deadline for this call has passed."))
    problem = _group_may_still_apply(application, eligible_ids, other_applications)
    if problem:
        add(NON_FIELD, problem)

    for field in CONCEPT_REQUIRED_FIELDS if application.is_concept else required_fields(call):
        value = getattr(application, field + "_id" if field == "region" else field)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            add(field, _("This field is required before you submit."))

    for field, message in missing_required(call, application.form_answers or {}, application.stage).items():
        add(field, message)

    if application.region_id and eligible_ids and application.region_id not in eligible_ids:
        add("region", _("This region is not eligible for this call."))

    amount = application.requested_amount
    if amount is not None:
        if amount < call.min_grant:
            add(
                "requested_amount",
                _("The call's minimum grant is %(amount)s.") % {"amount": format_money(call.min_grant, call.currency)},
            )
        if amount > call.max_grant:
            add(
                "requested_amount",
                _("The call's maximum grant is %(amount)s.") % {"amount": format_money(call.max_grant, call.currency)},
            )

    if call.budget_section:  # a call may do without the budget table: then nothing to add up
        lines = list(application.budget_lines.all()) if lines is None else lines
        if lines or not application.is_concept:  # a concept note needs no budget yet
            _check_budget(add, call, amount, lines)

    start, end = application.planned_start, application.planned_end
    if start and start < call.project_start_earliest:
        add(
            "planned_start",
            _("Projects may start on %(date)s at the earliest.") % {"date": _date(call.project_start_earliest)},
        )
    if end and end > call.project_end_latest:
        add("planned_end", _("Projects must end by %(date)s.") % {"date": _date(call.project_end_latest)})
    if start and end and end < start:
        add("planned_end", _("The end must not be before the start."))
    return errors


def _check_budget(add, call, amount, lines):
    if not lines:
        add("budget", _("Add at least one budget line."))
    elif amount is not None:
        total = sum((line.total for line in lines), Decimal("0"))
        if total != amount:
            add(
                "budget",
                _("The budget lines add up to %(total)s but you request %(amount)s; they must be equal.")
                % {"total": format_money(total, call.currency), "amount": format_money(amount, call.currency)},
            )


def _date(value):
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")
