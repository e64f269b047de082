"""The decision after review: award, waitlist or reject. These services own the ``award``,
``waitlist`` and ``reject`` steps of the application's state machine.

An award never exceeds the request nor what is left of the call's pool: the call's row is locked
first, so two staff members awarding at once are serialised and the second sees the first one's
award in ``committed_amount``.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.rounds import group_cap_error
from applications.services import notify_members
from applications.transitions import application_lock, not_possible, transition_run
from grants.models import Competition
from grants.money import format_money

from .selectors import committed_amount, is_decidable


def _notify_decision(application, kind):
    notify_members(application, kind=kind, template=f"projects/email/{kind}", in_group_language=True)


@transaction.atomic
def application_award(*, application, amount: Decimal, by, conditions="", comment="") -> Application:
    """Award ``amount`` now (the four-eyes rule is ``awards.award_decide``'s)."""
    competition = Competition.objects.select_for_update().get(pk=application.competition_id)
    locked = application_lock(application)
    if not is_decidable(locked):
        raise not_possible(locked)
    check_award_amount(locked, competition, amount)
    locked.awarded_amount = amount
    locked.award_conditions = conditions.strip()
    locked.decided_at = timezone.now()
    description = comment or _("Awarded %(amount)s") % {"amount": format_money(amount, competition.currency)}
    transition_run(locked, "award", by, description)
    _notify_decision(locked, "awarded")
    return locked


def check_award_amount(application, competition, amount, *, replacing=Decimal("0")) -> None:
    """Raise a ValidationError on ``amount`` unless it is above zero, within the request and within
    what is left of the pool (``replacing``: the part of the committed total this amount replaces)."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if application.requested_amount is not None and amount > application.requested_amount:
        raise ValidationError(
            {
                "amount": _("The award cannot exceed the requested %(amount)s.")
                % {"amount": format_money(application.requested_amount, competition.currency)}
            }
        )
    cap_error = group_cap_error(application, amount, application.submitted_at or timezone.now(), funded_only=True)
    if cap_error:
        raise ValidationError({"amount": cap_error})
    remaining = competition.budget_pool - committed_amount(competition) + replacing
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("Only %(remaining)s is left in this call's budget pool.")
                % {"remaining": format_money(remaining, competition.currency)}
            }
        )


@transaction.atomic
def application_waitlist(*, application, by, comment="") -> Application:
    locked = application_lock(application)
    locked.decided_at = timezone.now()
    transition_run(locked, "waitlist", by, comment)
    _notify_decision(locked, "waitlisted")
    return locked


@transaction.atomic
def application_reject(*, application, by, feedback="", share_reviewer_comments=False) -> Application:
    """Reject with feedback the group reads; reviewers' comments are shared only if staff choose."""
    locked = application_lock(application)
    if not is_decidable(locked):
        raise not_possible(locked)
    locked.decision_feedback = feedback.strip()
    locked.share_reviewer_comments = share_reviewer_comments
    locked.decided_at = timezone.now()
    transition_run(locked, "reject", by, feedback.strip())
    _notify_decision(locked, "rejected")
    return locked
