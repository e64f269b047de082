"""Decisions after review: awards (with the four-eyes rule), reductions and payment tranches.

The application's transitions run through ``applications.services``; this module adds what the
funder's side owns: proposals waiting for a second pair of eyes, and the payment schedule.
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from accounts.rules import require_staff
from applications import services as application_services
from applications.models import Application

from .models import AwardProposal, Competition, PaymentTranche
from .money import format_money
from .reports import close_if_complete, reports_schedule


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
        awarded = application_services.application_award(
            application=application, amount=amount, by=by, conditions=conditions
        )
        reports_schedule(application=awarded)
        return awarded
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in (Application.Status.REVIEWED, Application.Status.WAITLISTED):
        raise ValidationError(_("Only reviewed or waitlisted applications can be awarded."))
    if AwardProposal.objects.filter(application=locked, status=AwardProposal.Status.PENDING).exists():
        raise ValidationError(_("An award for this application is already waiting for confirmation."))
    application_services.check_award_amount(locked, competition, amount)
    return AwardProposal.objects.create(
        application=locked, amount=amount, conditions=conditions.strip(), proposed_by=by
    )


@transaction.atomic
def proposal_confirm(*, proposal, by) -> Application:
    """A second staff member confirms: the award is made now, against the pool as it is now."""
    require_staff(by)
    proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AwardProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    if proposal.proposed_by_id == by.pk:
        raise ValidationError(_("The four-eyes rule: someone other than the proposer must confirm this award."))
    application = application_services.application_award(
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
    return proposal


def _log(application, by, transition, description):
    """A decision that is not a state change still goes into the application's log."""
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        source_state=application.status,
        state=application.status,
        transition=transition,
        by=by,
        description=description,
    )


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
    _log(
        locked,
        by,
        "reduce_award",
        _("Award reduced from %(old)s to %(new)s: %(reason)s")
        % {"old": format_money(previous, currency), "new": format_money(amount, currency), "reason": reason.strip()},
    )
    return locked


@transaction.atomic
def tranches_set(*, application, rows, by) -> list[PaymentTranche]:
    """Replace the unpaid tranches of an award. ``rows``: ``[{"label", "amount"}]`` for the unpaid part.

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
        PaymentTranche.objects.create(application=locked, position=start + i, label=r["label"], amount=r["amount"])
        for i, r in enumerate(rows)
    ]
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
    _log(
        tranche.application,
        by,
        "pay_tranche",
        _("Paid %(amount)s (%(label)s) on %(date)s")
        % {
            "amount": format_money(tranche.amount, tranche.application.competition.currency),
            "label": tranche.label,
            "date": date_format(paid_on, "DATE_FORMAT"),
        },
    )
    close_if_complete(application=tranche.application, by=by)
    return tranche


def money_summary(competition) -> dict:
    """Pool, committed, paid and remaining for one call, in its currency."""
    committed = application_services.committed_amount(competition)
    paid = PaymentTranche.objects.filter(application__competition=competition, paid_on__isnull=False).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    pending = AwardProposal.objects.filter(
        application__competition=competition, status=AwardProposal.Status.PENDING
    ).aggregate(total=Sum("amount"))
    return {
        "currency": competition.currency,
        "pool": competition.budget_pool,
        "committed": committed,
        "paid": paid,
        "remaining": competition.budget_pool - committed,
        "pending": pending["total"] or Decimal("0"),
    }


def money_by_currency(competitions) -> list[dict]:
    """Pool, committed, paid and remaining summed per currency over ``competitions`` (3 queries)."""
    totals: dict[str, dict] = {}
    ids = [c.pk for c in competitions]
    for c in competitions:
        row = totals.setdefault(
            c.currency, {"currency": c.currency, "pool": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
        )
        row["pool"] += c.budget_pool
    committed = (
        Application.objects.filter(competition_id__in=ids, status__in=application_services.COMMITTED_STATUSES)
        .values("competition__currency")
        .annotate(total=Sum("awarded_amount"))
    )
    for item in committed:
        totals[item["competition__currency"]]["committed"] += item["total"] or Decimal("0")
    paid = (
        PaymentTranche.objects.filter(application__competition_id__in=ids, paid_on__isnull=False)
        .values("application__competition__currency")
        .annotate(total=Sum("amount"))
    )
    for item in paid:
        totals[item["application__competition__currency"]]["paid"] += item["total"] or Decimal("0")
    for row in totals.values():
        row["remaining"] = row["pool"] - row["committed"]
    return sorted(totals.values(), key=lambda r: r["currency"])
