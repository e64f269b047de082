"""The applicant's journey: start a draft, write it (autosaved), attach files, submit, follow it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from grants.models import Competition

from . import selectors, services
from .attachments import attachment_for_download
from .call_questions import answer_file_readable
from .conflicts import draft_differences, expected_version
from .eligibility import answers_from, apply_box_context
from .forms import ApplicationForm, AttachmentForm, WithdrawForm, budget_formset
from .models import Application, Attachment
from .pages import application_sections, application_staff_actions, render_sections, viewer_of
from .status import next_steps, with_next_steps
from .submission import NON_FIELD, deadline_of


@login_required
def dashboard(request):
    groups = list(selectors.applicant_dashboard(request.user))
    open_calls = Competition.objects.open_at(timezone.now()).select_related("programme")
    with_next_steps(a for group in groups for a in group.latest_applications)  # the prefetched objects
    return render(request, "applications/dashboard.html", {"groups": groups, "open_calls": open_calls})


@login_required
@require_POST
def application_start(request, slug):
    """Start a draft once the group is found eligible; an ineligible group is told why, with its
    answers kept, and no draft is created."""
    competition = get_object_or_404(Competition.objects.published(), slug=slug)
    group = get_object_or_404(selectors.groups_of(request.user), pk=request.POST.get("group"))
    questions = list(competition.eligibility_questions.all())
    answers = answers_from(questions, request.POST)
    try:
        application = services.application_create(
            competition=competition, group=group, by=request.user, eligibility_answers=answers
        )
    except services.NotEligible as refusal:
        context = {
            "call": competition,
            "is_open": competition.is_open(),
            "group": group,
            "problems": refusal.problems,
            "refused_answers": [refusal.answer_problems[q.pk] for q in questions if q.pk in refusal.answer_problems],
            **apply_box_context(
                competition,
                list(selectors.groups_of(request.user)),
                answers=answers,
                answer_issues=refusal.answer_problems,
                chosen_group=group.pk,
            ),
        }
        return render(request, "applications/apply_refused.html", context)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(competition)
    messages.success(request, _("Your draft is created. It is saved as you type."))
    return redirect("applications:edit", pk=application.pk)


def _member_application(request, pk):
    """Applications of the user's own groups; anything else is a 404 (staff read them elsewhere)."""
    queryset = selectors.applications_visible_to(request.user).filter(group__memberships__user=request.user)
    try:
        return selectors.application_for_page(queryset, pk)
    except Application.DoesNotExist as missing:
        raise Http404 from missing


def _member_application_to_save(request, pk):
    """For the requests that only save (autosave, submit: most of deadline day's traffic): the
    application and the call's eligible regions, which the form and the checks share; none of
    what a page shows."""
    queryset = selectors.member_applications(request.user).select_related("competition")
    return get_object_or_404(queryset.prefetch_related("competition__eligible_regions"), pk=pk)


def _visible_application(request, pk):
    try:
        return selectors.application_for_page(selectors.applications_visible_to(request.user), pk)
    except Application.DoesNotExist as missing:
        raise Http404 from missing


@member_required
def application_detail(request, pk):
    application = _visible_application(request, pk)
    viewer = viewer_of(request, application)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "call": application.competition,
            "timeline": selectors.application_timeline(application, viewer),
            "next_step": next_steps([application])[application.pk] if viewer.is_member else "",
            "is_member": viewer.is_member,
            "can_ask_group": viewer.is_staff and application.status not in ("draft", "withdrawn"),
            "withdraw_form": WithdrawForm(),
            "sections": render_sections(application_sections, request, application, viewer),
            "staff_actions": render_sections(application_staff_actions, request, application, viewer),
        },
    )


def _edit_context(application, form, formset, attachment_form=None, *, version=None, conflict=None):
    return {
        "application": application,
        "call": application.competition,
        "form": form,
        "formset": formset,
        "attachment_form": attachment_form or AttachmentForm(),
        "draft_version": application.draft_version if version is None else version,
        "conflict": conflict,
        "deadline": deadline_of(application),
    }


def _conflict_context(request, error):
    return {"saved": error.saved, "differences": draft_differences(error.saved, request.POST)}


def _conflict_page(request, application, form, formset, error):
    """The stale page again, with everything typed kept and both texts side by side."""
    messages.error(request, _("Someone else saved this draft after you opened it. Your changes are not saved yet."))
    stale_version = request.POST.get("draft_version", "")
    conflict = _conflict_context(request, error)
    context = _edit_context(application, form, formset, version=stale_version, conflict=conflict)
    return render(request, "applications/application_edit.html", context, status=409)


def _bind(request, application):
    form = ApplicationForm(request.POST, instance=application, competition=application.competition)
    formset = budget_formset(data=request.POST if application.competition.budget_section else None)
    form.is_valid()
    formset.is_valid()
    return form, formset


def _save_valid_parts(request, application, form, formset):
    """Save every field and budget line that validated; invalid ones keep their errors on the form."""
    rows = formset.rows()
    saved = services.application_update_draft(
        application=application,
        by=request.user,
        fields=dict(form.cleaned_data),
        budget_lines=rows,
        expected_version=expected_version(request.POST),
    )
    return saved, rows


def _locked_out(request, application):
    messages.error(request, _("This application has been submitted and can no longer be changed."))
    return redirect(application)


@member_required
def application_edit(request, pk):
    application = _member_application(request, pk)
    if not application.is_editable:
        return _locked_out(request, application)
    if request.method != "POST":
        form = ApplicationForm(instance=application, competition=application.competition)
        return render(
            request,
            "applications/application_edit.html",
            _edit_context(application, form, budget_formset(application=application)),
        )
    form, formset = _bind(request, application)
    try:
        saved, _rows = _save_valid_parts(request, application, form, formset)
    except services.DraftConflict as conflict:
        return _conflict_page(request, application, form, formset, conflict)
    except ValidationError:
        return _locked_out(request, application)
    if form.errors or formset.total_error_count():
        messages.warning(request, _("Your draft is saved, except the fields marked below. Please correct them."))
        context = _edit_context(saved, form, formset)
        return render(request, "applications/application_edit.html", context)
    messages.success(request, _("Your draft is saved."))
    return redirect("applications:edit", pk=application.pk)


@member_required
@require_POST
def application_autosave(request, pk):
    application = _member_application_to_save(request, pk)
    if not application.is_editable:
        return HttpResponse(_("This application has been submitted and can no longer be changed."), status=409)
    form, formset = _bind(request, application)
    try:
        saved, rows = _save_valid_parts(request, application, form, formset)
    except services.DraftConflict as conflict:
        html = render_to_string("applications/_draft_conflict.html", _conflict_context(request, conflict), request)
        return HttpResponse(html, status=409, headers={"X-Draft-Conflict": "1"})
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=409)
    line_ids = {row["index"]: row["id"] for row in rows if not row["DELETE"]}
    problems = [str(form.fields[name].label) for name in form.errors if name in form.fields]
    if any(f.errors for f in formset.forms):
        problems.append(_("Budget lines"))
    html = render_to_string(
        "applications/_autosave_status.html",
        {
            "saved_at": timezone.localtime(),
            "problems": problems,
            "line_ids": line_ids,
            "draft_version": saved.draft_version,
        },
    )  # no request: the partial needs none of the context processors (one query fewer)
    return HttpResponse(html)


@member_required
@require_POST
def application_submit(request, pk):
    """Deadline day's busiest request: the application is read once (with the call's eligible
    regions, which the form and the checks share) and saved and submitted in one service call."""
    application = _member_application_to_save(request, pk)
    if not application.is_editable:
        if application.status == Application.Status.SUBMITTED:
            messages.error(request, _("This application has already been submitted."))
        else:
            messages.error(request, _("This application can no longer be submitted."))
        return redirect(application)
    form, formset = _bind(request, application)
    if form.errors or formset.total_error_count():
        try:
            saved, _rows = _save_valid_parts(request, application, form, formset)
        except services.DraftConflict as conflict:
            return _conflict_page(request, application, form, formset, conflict)
        except ValidationError:
            return _already_submitted(request, pk)  # another member submitted it meanwhile
        messages.error(request, _("Your draft is saved, but please correct the marked fields before submitting."))
        return render(request, "applications/application_edit.html", _edit_context(saved, form, formset))
    try:
        services.application_submit(
            application=application,
            by=request.user,
            fields=dict(form.cleaned_data),
            budget_lines=formset.rows(),
            expected_version=expected_version(request.POST),
        )
    except services.DraftConflict as conflict:
        return _conflict_page(request, application, form, formset, conflict)
    except ValidationError as error:
        if getattr(error, "code", None) in ("already_submitted", "wrong_state"):
            return _already_submitted(request, pk)
        _attach_errors(error, form, formset)
        messages.error(request, _("Your draft is saved, but it cannot be submitted yet. See the marked fields."))
        application = _member_application(request, pk)
        return render(request, "applications/application_edit.html", _edit_context(application, form, formset))
    messages.success(
        request, _("Your application is submitted. We have sent a confirmation to every member of your group.")
    )
    return redirect("applications:detail", pk=pk)


def _already_submitted(request, pk):
    application = _member_application(request, pk)
    if application.status == Application.Status.SUBMITTED:
        messages.error(request, _("This application has already been submitted."))
    else:
        messages.error(request, _("This application can no longer be submitted."))
    return redirect(application)


def _attach_errors(error, form, formset):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif field == "budget":
            formset._non_form_errors = formset.error_class(
                list(formset.non_form_errors()) + errors, renderer=formset.renderer
            )
        else:
            form.add_error(None, errors if field == NON_FIELD else [f"{field}: {e}" for e in errors])


@member_required
@require_POST
def application_withdraw(request, pk):
    application = _member_application(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.application_withdraw(
            application=application, by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("You may not do this.")])))
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect(application)


@member_required
@require_POST
def attachment_upload(request, pk):
    application = _member_application(request, pk)
    if not application.is_editable:
        return _locked_out(request, application)
    attachment_form = AttachmentForm(request.POST, request.FILES)
    if attachment_form.is_valid():
        try:
            services.attachment_add(
                application=application, uploaded_file=attachment_form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            attachment_form.add_error("file", error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("applications:edit", pk=pk)
    form = ApplicationForm(instance=application, competition=application.competition)
    context = _edit_context(application, form, budget_formset(application=application), attachment_form)
    return render(request, "applications/application_edit.html", context, status=400)


def _attachment(request, pk, *, member_only):
    applications = selectors.applications_visible_to(request.user)
    if member_only:
        applications = applications.filter(group__memberships__user=request.user)
    return get_object_or_404(
        Attachment.objects.select_related("application").filter(application__in=applications), pk=pk
    )


@member_required
def attachment_download(request, pk):
    """Staff and the group get the file as uploaded; a mentor gets the copy without metadata."""
    attachment = _attachment(request, pk, member_only=False)
    viewer = viewer_of(request, attachment.application)
    insider = viewer.is_staff or viewer.is_member
    if attachment.purpose == Attachment.Purpose.ANSWER and not answer_file_readable(
        attachment, request.user, for_reviewer=not insider
    ):
        raise Http404
    stored = attachment_for_download(attachment, original=insider)
    if stored is None:
        raise Http404
    response = FileResponse(
        stored.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_POST
def attachment_delete(request, pk):
    attachment = _attachment(request, pk, member_only=True)
    application = attachment.application
    try:
        with transaction.atomic():
            services.attachment_delete(attachment=attachment, by=request.user)
    except ValidationError:
        return _locked_out(request, application)
    messages.success(request, _("The file is removed."))
    return redirect("applications:edit", pk=application.pk)
