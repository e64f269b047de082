"""The programme officer's pages of a call: create and edit it, its e-mails and its audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from audit.selectors import audit_for_call
from notifications.models import OutboxMessage
from notifications.selectors import outbox_for_scope

from . import services
from .call_forms import definition_for_kind, missing_translations, stage_keys
from .forms import CompetitionForm, CriterionFormSet, CutoffForm, EligibilityQuestionFormSet, IndicatorFormSet
from .models import CallCutoff, Competition
from .question_forms import CopyQuestionsForm, QuestionFormSet, definition_from, initial_rows
from .translations import translated

LOG_PAGE_SIZE = 50


@staff_required
def call_create(request):
    return _call_form(request, Competition())


@staff_required
def call_edit(request, pk):
    return _call_form(request, get_object_or_404(Competition, pk=pk))


def _call_form(request, call):
    zone = call.tzinfo if call.pk else timezone.get_current_timezone()
    with timezone.override(zone):
        form = CompetitionForm(request.POST or None, instance=call)
        criteria = CriterionFormSet(request.POST or None, instance=call, prefix="criteria")
        indicators = IndicatorFormSet(request.POST or None, instance=call, prefix="indicators")
        questions = EligibilityQuestionFormSet(request.POST or None, instance=call, prefix="eligibility")
        formsets = (criteria, indicators, questions)
        if request.method == "POST" and form.is_valid() and all([f.is_valid() for f in formsets]):
            call = services.competition_save(
                competition=call,
                data=form.cleaned_data,
                criteria=criteria.rows(),
                indicators=indicators.rows(),
                eligibility_questions=questions.rows(),
                by=request.user,
            )
            messages.success(request, _("The call “%(title)s” is saved.") % {"title": translated(call, "title")})
            return redirect("applications:staff_call_applications", pk=call.pk)
        return render(
            request,
            "grants/staff/call_form.html",
            {"form": form, "criteria": criteria, "indicators": indicators, "questions": questions, "call": call},
        )


@staff_required
def call_outbox(request, pk):
    """What was sent to whom, when, and what failed, for one call."""
    call = get_object_or_404(Competition, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in OutboxMessage.Status.values else ""
    page = Paginator(outbox_for_scope(call.outbox_scope, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/staff/outbox.html",
        {"call": call, "page": page, "status": status, "statuses": OutboxMessage.Status.choices},
    )


@staff_required
def call_log(request, pk):
    """Every staff change recorded for the call and its applications, newest first."""
    call = get_object_or_404(Competition, pk=pk)
    page = Paginator(audit_for_call(call.pk), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grants/staff/call_log.html", {"call": call, "page": page})


STAGE_LEGENDS = {
    "main": gettext_lazy("Questions"),
    "concept": gettext_lazy("Stage 1: the concept note"),
    "full": gettext_lazy("Stage 2: the full proposal"),
}


@staff_required
def call_questions(request, pk):
    """Build the call's own questions, a list for each stage of its kind; a definition the
    service refuses is shown with its reason and the rows as typed."""
    call = get_object_or_404(Competition, pk=pk)
    definition = definition_for_kind(call.form_definition, call.kind)
    formsets = {
        key: QuestionFormSet(
            request.POST or None, initial=initial_rows(definition, key), prefix="questions" if key == "main" else key
        )
        for key in stage_keys(call.kind)
    }
    if request.method == "POST" and all([f.is_valid() for f in formsets.values()]):
        try:
            call = services.call_form_replace(
                competition=call,
                definition=definition_from(formsets, call.form_definition, call.kind),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The call's questions are saved (version %(version)s).") % {"version": call.form_version}
            )
            return redirect("grants:staff_call_questions", pk=call.pk)
    return render(
        request,
        "grants/staff/call_questions.html",
        {
            "call": call,
            "stages": [(STAGE_LEGENDS[key], formset) for key, formset in formsets.items()],
            "copy_form": CopyQuestionsForm(call=call),
            "missing_translations": missing_translations(call.form_definition),
        },
    )


@staff_required
@require_POST
def call_questions_copy(request, pk):
    """Start from the questions of an earlier call."""
    call = get_object_or_404(Competition, pk=pk)
    form = CopyQuestionsForm(request.POST, call=call)
    if form.is_valid():
        source = form.cleaned_data["source"]
        definition = definition_for_kind(source.form_definition, call.kind)
        services.call_form_replace(competition=call, definition=definition, by=request.user)
        messages.success(request, _("The questions of “%(title)s” are copied.") % {"title": source.title})
    return redirect("grants:staff_call_questions", pk=call.pk)


@staff_required
def call_cutoffs(request, pk):
    """A rolling call's cut-off dates: each closes a review round. Staff add future ones and
    remove those no application belongs to yet."""
    call = get_object_or_404(Competition, pk=pk)
    with timezone.override(call.tzinfo):
        form = CutoffForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.cutoff_add(competition=call, at=form.cleaned_data["at"], by=request.user)
            except ValidationError as error:
                for field, errors in (
                    error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
                ):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The cut-off is added."))
                return redirect("grants:staff_call_cutoffs", pk=call.pk)
        cutoffs = Paginator(call.cutoffs.annotate(application_count=Count("applications")).order_by("at"), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "grants/staff/call_cutoffs.html", {"call": call, "form": form, "page": cutoffs})


@staff_required
@require_POST
def cutoff_remove(request, pk):
    cutoff = get_object_or_404(CallCutoff, pk=pk)
    try:
        services.cutoff_remove(cutoff=cutoff, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The cut-off is removed."))
    return redirect("grants:staff_call_cutoffs", pk=cutoff.competition_id)
