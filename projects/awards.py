"""Decisions after review: awards (with the four-eyes rule), reductions and payment tranches.

The application's transitions run through ``applications.services``; this module adds what the
funder's side owns: proposals waiting for a second pair of eyes, and the payment schedule.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from applications.models import Application
from applications.services import application_audit
from grants.models import Competition
from grants.money import format_money

from .decisions import application_award, check_award_amount
from .models import AwardProposal, PaymentTranche
from .reports import close_if_complete, reports_schedule
from .selectors import is_decidable


def needs_second_confirmation(competition, amount) -> bool:
    threshold = competition.award_confirmation_threshold
    return threshold is not None and amount > threshold


@transaction.atomic
def award_decide(*, application, amount, by, conditions="") -> Application | AwardProposal:
    """Award now, or, above the call's four-eyes threshold, propose the award for confirmation.

    Returns the awarded application, or the pending proposal (which commits nothing).
    """
    require_staff(by)
    competition = Competition.objects.select_for_update().get(pk=application.competition_id)
    if not needs_second_confirmation(competition, amount):
        awarded = application_award(application=application, amount=amount, by=by, conditions=conditions)
        reports_schedule(application=awarded)
        return awarded
    locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    if not is_decidable(locked):
        raise ValidationError(_("Only reviewed or waitlisted applications can be awarded."))
    if AwardProposal.objects.filter(application=locked, status=AwardProposal.Status.PENDING).exists():
        raise ValidationError(_("An award for this application is already waiting for confirmation."))
    check_award_amount(locked, competition, amount)
    proposal = AwardProposal.objects.create(
        application=locked, amount=amount, conditions=conditions.strip(), proposed_by=by
    )
    application_audit(
        locked,
        by,
        "proposal.made",
        _("Award of %(amount)s proposed; it waits for a second staff member")
        % {"amount": format_money(amount, competition.currency)},
    )
    return proposal


@transaction.atomic
def proposal_confirm(*, proposal, by) -> Application:
    """A second staff member confirms: the award is made now, against the pool as it is now."""
    require_staff(by)
    proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AwardProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    if proposal.proposed_by_id == by.pk:
        raise ValidationError(_("The four-eyes rule: someone other than the proposer must confirm this award."))
    application = application_award(
        application=proposal.application,
        amount=proposal.amount,
        by=by,
        conditions=proposal.conditions,
        comment=_("Awarded %(amount)s, proposed by %(proposer)s")
        % {
            "amount": format_money(proposal.amount, proposal.application.competition.currency),
            "proposer": proposal.proposed_by,
        },
    )
    reports_schedule(application=application)
    proposal.status = AwardProposal.Status.CONFIRMED
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return application


@transaction.atomic
def proposal_cancel(*, proposal, by) -> AwardProposal:
    require_staff(by)
    proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AwardProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    proposal.status = AwardProposal.Status.CANCELLED
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    application_audit(proposal.application, by, "proposal.cancelled", _("The award proposal is cancelled"))
    return proposal


@transaction.atomic
def award_reduce(*, application, amount, by, reason) -> Application:
    """Lower an award before any payment; the difference returns to the pool. Unpaid tranches go."""
    require_staff(by)
    Competition.objects.select_for_update().get(pk=application.competition_id)
    locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    if locked.status != Application.Status.AWARDED:
        raise ValidationError(_("Only an awarded grant can be reduced."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the award is reduced.")})
    if amount is None or amount <= 0 or amount >= locked.awarded_amount:
        raise ValidationError({"amount": _("Enter an amount above zero and below the current award.")})
    if locked.tranches.filter(paid_on__isnull=False).exists():
        raise ValidationError(_("Money has already been paid: the award can no longer be reduced."))
    currency = locked.competition.currency
    previous = locked.awarded_amount
    locked.awarded_amount = amount
    locked.save(update_fields=["awarded_amount", "updated_at"])
    locked.tranches.all().delete()
    application_audit(
        locked,
        by,
        "award.reduced",
        _("Award reduced from %(old)s to %(new)s: %(reason)s")
        % {"old": format_money(previous, currency), "new": format_money(amount, currency), "reason": reason.strip()},
    )
    return locked


@transaction.atomic
def tranches_set(*, application, rows, by) -> list[PaymentTranche]:
    """Replace the unpaid tranches of an award. ``rows``: ``[{"label", "amount", "due_on"}]`` for the unpaid part.

    Paid tranches stay as they are; all tranches together must add up exactly to the award.
    """
    require_staff(by)
    locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    if locked.status not in (Application.Status.AWARDED, Application.Status.REPORTED):
        raise ValidationError(_("Tranches can only be set for an awarded grant."))
    paid = list(locked.tranches.filter(paid_on__isnull=False))
    total = sum((t.amount for t in paid), Decimal("0")) + sum((r["amount"] for r in rows), Decimal("0"))
    if total != locked.awarded_amount:
        currency = locked.competition.currency
        raise ValidationError(
            _("The tranches add up to %(total)s but the award is %(award)s; they must be equal.")
            % {"total": format_money(total, currency), "award": format_money(locked.awarded_amount, currency)}
        )
    locked.tranches.filter(paid_on__isnull=True).delete()
    start = len(paid)
    created = [
        PaymentTranche.objects.create(
            application=locked, position=start + i, label=r["label"], amount=r["amount"], due_on=r.get("due_on")
        )
        for i, r in enumerate(rows)
    ]
    currency = locked.competition.currency
    application_audit(
        locked,
        by,
        "tranches.set",
        "; ".join(f"{r['label']}: {format_money(r['amount'], currency)}" for r in rows) or _("No unpaid tranche"),
    )
    return paid + created


@transaction.atomic
def tranche_mark_paid(*, tranche, paid_on, by) -> PaymentTranche:
    require_staff(by)
    tranche = PaymentTranche.objects.select_for_update().select_related("application").get(pk=tranche.pk)
    if tranche.paid_on:
        raise ValidationError(_("This tranche is already marked as paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    tranche.paid_on = paid_on
    tranche.marked_paid_by = by
    tranche.save(update_fields=["paid_on", "marked_paid_by"])
    application_audit(
        tranche.application,
        by,
        "tranche.paid",
        _("Paid %(amount)s (%(label)s) on %(date)s")
        % {
            "amount": format_money(tranche.amount, tranche.application.competition.currency),
            "label": tranche.label,
            "date": date_format(paid_on, "DATE_FORMAT"),
        },
    )
    close_if_complete(application=tranche.application, by=by)
    return tranche
