"""Rolling and emergency calls seen from an application: the review round a rolling call's
application belongs to, and the emergency call's cap per group and calendar year.

The year is the calendar year of the submission in the call's time zone. What counts against the
cap: every request of the group to the call that year that is still open or was funded, at its
awarded amount once awarded and at its requested amount before."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from grants.models import CallCutoff
from grants.money import format_money

from .models import Application

S = Application.Status
# Requests that still hold money of the cap: waiting for a decision, or funded.
COUNTED = (S.SUBMITTED, S.IN_REVIEW, S.REVIEWED, S.WAITLISTED, S.AWARDED, S.REPORTED, S.CLOSED)
FUNDED = (S.AWARDED, S.REPORTED, S.CLOSED)


def decision_deadline(call, moment):
    """When staff must have decided an emergency request submitted at ``moment`` (kept on the
    application, so the deadline promised at submission holds, and lists sort by it in SQL)."""
    return moment + timedelta(days=call.decision_days) if call.emergency else None


def round_for(call, moment):
    """The cut-off whose round an application submitted at ``moment`` joins: the first at or
    after it (``None`` for other calls, or when staff have set no later cut-off yet)."""
    if not call.rolling:
        return None
    return CallCutoff.objects.filter(competition=call, at__gte=moment).order_by("at").first()


def _year_bounds(call, moment):
    local = moment.astimezone(call.tzinfo)
    start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, start.replace(year=start.year + 1)


def group_year_used(application, moment, *, funded_only=False) -> Decimal:
    """What the group's other requests to this call in ``moment``'s year hold of the cap."""
    call = application.competition
    start, end = _year_bounds(call, moment)
    used = (
        Application.objects.filter(
            competition_id=call.pk,
            group_id=application.group_id,
            submitted_at__gte=start,
            submitted_at__lt=end,
            status__in=FUNDED if funded_only else COUNTED,
        )
        .exclude(pk=application.pk)
        .aggregate(total=Sum(Coalesce(F("awarded_amount"), F("requested_amount"))))["total"]
    )
    return used or Decimal("0")


def group_cap_error(application, amount, moment, *, funded_only=False) -> str | None:
    """The translated refusal when ``amount`` would take the group past the call's yearly cap,
    naming what is left; ``None`` when it fits or the call has no cap."""
    call = application.competition
    cap = call.group_year_cap
    if not call.emergency or cap is None or amount is None:
        return None
    left = max(cap - group_year_used(application, moment, funded_only=funded_only), Decimal("0"))
    if amount <= left:
        return None
    return _("This call gives a group at most %(cap)s a year; %(left)s is left for this group this year.") % {
        "cap": format_money(cap, call.currency),
        "left": format_money(left, call.currency),
    }
