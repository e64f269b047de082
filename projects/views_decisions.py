"""Staff decisions after review: award (four-eyes above a threshold), waitlist, reject, tranches."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.feedback import report_errors
from applications import services as application_services
from applications.models import Application
from grants.models import Competition
from reviews.selectors import application_reviews, ranking

from . import awards, decisions
from .emergency import decision_due
from .forms import MentorForm, ProjectDatesForm
from .forms_decisions import (
    AwardForm,
    BulkDecisionForm,
    DeclineForm,
    PaidForm,
    ReduceForm,
    RejectForm,
    TrancheFormSet,
    WaitlistForm,
)
from .models import AwardProposal, PaymentTranche
from .selectors import is_decidable, money_summary, pending_proposal


def _application(pk):
    return get_object_or_404(Application.objects.select_related("competition__programme", "group", "region"), pk=pk)


@staff_required
def decide(request, pk):
    application = _application(pk)
    call = application.competition
    forms = {
        "award": AwardForm(initial={"amount": application.requested_amount}, prefix="award"),
        "waitlist": WaitlistForm(prefix="waitlist"),
        "reject": RejectForm(prefix="reject"),
        "reduce": ReduceForm(prefix="reduce"),
        "decline": DeclineForm(prefix="decline"),
        "tranches": TrancheFormSet(prefix="tranches", initial=_default_tranches(application)),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = ACTIONS.get(action)
        if handler is None:
            raise PermissionDenied
        form = (
            TrancheFormSet(request.POST, prefix="tranches")
            if action == "tranches"
            else (FORMS[action](request.POST, prefix=action))
        )
        forms[action] = form
        if form.is_valid():
            try:
                response = handler(request, application, form)
            except (ValidationError, PermissionDenied) as error:
                if hasattr(error, "error_dict") and action != "tranches":
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    report_errors(request, error)
            else:
                return response
        application = _application(pk)
    pending = pending_proposal(application)
    return render(
        request,
        "projects/staff/decide.html",
        {
            "application": application,
            "call": call,
            "forms": forms,
            "pending": pending,
            "reviews": application_reviews(application),
            "tranches": list(application.tranches.select_related("marked_paid_by")),
            "summary": money_summary(call),
            "decidable": is_decidable(application),
            "decision_due": decision_due(application) if application.status == Application.Status.SUBMITTED else None,
            "paid_form": PaidForm(),
            "mentor_form": MentorForm(initial={"mentor": application.mentor_id}),
            "dates_form": ProjectDatesForm(
                initial={"planned_start": application.planned_start, "planned_end": application.planned_end}
            ),
            "reports": application.reports.order_by("due_on"),
        },
    )


def _default_tranches(application):
    if application.awarded_amount is None or application.tranches.exists():
        return [{"label": t.label, "amount": t.amount} for t in application.tranches.filter(paid_on__isnull=True)]
    first = (application.awarded_amount * Decimal("0.8")).quantize(Decimal("0.01"))
    return [
        {"label": _("On signature of the contract"), "amount": first},
        {"label": _("After the final report is accepted"), "amount": application.awarded_amount - first},
    ]


def _award(request, application, form):
    result = awards.award_decide(
        application=application,
        amount=form.cleaned_data["amount"],
        by=request.user,
        conditions=form.cleaned_data["conditions"],
    )
    if isinstance(result, AwardProposal):
        messages.warning(
            request,
            _(
                "The award is above this call's four-eyes threshold: it waits for another staff "
                "member to confirm it, and commits nothing until then."
            ),
        )
    else:
        messages.success(
            request, _("%(ref)s is awarded. Now set up the payment tranches.") % {"ref": application.reference}
        )
    return redirect("projects:staff_decide", pk=application.pk)


def _waitlist(request, application, form):
    decisions.application_waitlist(application=application, by=request.user, comment=form.cleaned_data["comment"])
    messages.success(request, _("%(ref)s is on the waiting list.") % {"ref": application.reference})
    return redirect("projects:staff_decide", pk=application.pk)


def _reject(request, application, form):
    decisions.application_reject(
        application=application,
        by=request.user,
        feedback=form.cleaned_data["feedback"],
        share_reviewer_comments=form.cleaned_data["share_reviewer_comments"],
    )
    messages.success(request, _("%(ref)s is rejected; the group is told.") % {"ref": application.reference})
    return redirect("projects:staff_decide", pk=application.pk)


def _reduce(request, application, form):
    awards.award_reduce(
        application=application, amount=form.cleaned_data["amount"], by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("The award is reduced; set up the tranches again."))
    return redirect("projects:staff_decide", pk=application.pk)


def _decline(request, application, form):
    application_services.application_withdraw(
        application=application, by=request.user, comment=form.cleaned_data["comment"]
    )
    messages.success(request, _("The award is withdrawn and its money is back in the pool."))
    return redirect("projects:staff_decide", pk=application.pk)


def _tranches(request, application, formset):
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    awards.tranches_set(application=application, rows=rows, by=request.user)
    messages.success(request, _("The payment schedule is saved."))
    return redirect("projects:staff_decide", pk=application.pk)


ACTIONS = {
    "award": _award,
    "waitlist": _waitlist,
    "reject": _reject,
    "reduce": _reduce,
    "decline": _decline,
    "tranches": _tranches,
}
FORMS = {
    "award": AwardForm,
    "waitlist": WaitlistForm,
    "reject": RejectForm,
    "reduce": ReduceForm,
    "decline": DeclineForm,
}


@staff_required
@require_POST
def proposal_decide(request, pk, verdict):
    proposal = get_object_or_404(AwardProposal.objects.select_related("application"), pk=pk)
    try:
        if verdict == "confirm":
            awards.proposal_confirm(proposal=proposal, by=request.user)
            messages.success(request, _("The award is confirmed."))
        else:
            awards.proposal_cancel(proposal=proposal, by=request.user)
            messages.success(request, _("The proposal is cancelled."))
    except (ValidationError, PermissionDenied) as error:
        report_errors(request, error)
    return redirect("projects:staff_decide", pk=proposal.application_id)


@staff_required
@require_POST
def tranche_paid(request, pk):
    tranche = get_object_or_404(PaymentTranche, pk=pk)
    form = PaidForm(request.POST)
    if form.is_valid():
        try:
            awards.tranche_mark_paid(tranche=tranche, paid_on=form.cleaned_data["paid_on"], by=request.user)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The tranche is marked as paid."))
    else:
        messages.error(request, _("Enter the date of the payment."))
    return redirect("projects:staff_decide", pk=tranche.application_id)


@staff_required
@require_POST
def bulk_decide(request, pk):
    """Decide many at once, in ranking order, each through its own service call."""
    call = get_object_or_404(Competition, pk=pk)
    rounds = [*call.cutoffs.all(), None] if call.rolling else [None]  # a rolling call is ranked by round
    ranked_ids = [row.pk for cutoff in rounds for row in ranking(call, cutoff=cutoff) if row.decidable]
    form = BulkDecisionForm(request.POST, application_ids=ranked_ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("projects:staff_ranking", pk=pk)
    chosen = set(form.cleaned_data["applications"])
    by_pk = Application.objects.select_related("competition").in_bulk(chosen)
    done = proposed = 0
    for application in (by_pk[pk] for pk in ranked_ids if pk in chosen):
        try:
            if form.cleaned_data["action"] == "award":
                result = awards.award_decide(
                    application=application, amount=application.requested_amount, by=request.user
                )
                if isinstance(result, AwardProposal):
                    proposed += 1
                    continue
            elif form.cleaned_data["action"] == "waitlist":
                decisions.application_waitlist(application=application, by=request.user)
            else:
                decisions.application_reject(
                    application=application,
                    by=request.user,
                    feedback=form.cleaned_data["feedback"],
                    share_reviewer_comments=form.cleaned_data["share_reviewer_comments"],
                )
            done += 1
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"{application.reference}: {' '.join(getattr(error, 'messages', []))}")
    messages.success(
        request, ngettext("%(count)s decision recorded.", "%(count)s decisions recorded.", done) % {"count": done}
    )
    if proposed:
        messages.warning(
            request,
            ngettext(
                "%(count)s award is above the four-eyes threshold and waits for a second staff member.",
                "%(count)s awards are above the four-eyes threshold and wait for a second staff member.",
                proposed,
            )
            % {"count": proposed},
        )
    return redirect("projects:staff_ranking", pk=pk)
