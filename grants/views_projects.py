"""Funded mini-projects: mentors and check-ins, reports, good practices, and the call's outbox."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, staff_required
from accounts.feedback import report_errors
from accounts.rules import is_mentor
from applications.forms import AttachmentForm
from applications.models import Application
from applications.selectors import applications_visible_to
from notifications.models import OutboxMessage

from . import mentoring, reports
from .forms_projects import (
    CheckInForm,
    GoodPracticeForm,
    MentorForm,
    ProjectDatesForm,
    ReportForm,
    StaffReportForm,
)
from .models import CheckIn, Competition, GoodPractice, Programme, Report

# --- mentors --------------------------------------------------------------------------------


@member_required
def mentor_dashboard(request):
    if not is_mentor(request.user):
        raise Http404
    open_checkins = CheckIn.objects.filter(status=CheckIn.Status.OPEN).order_by("due_on")
    projects = (
        Application.objects.filter(mentor=request.user, status__in=mentoring.FUNDED)
        .select_related("competition")
        .annotate(next_due=Min("checkins__due_on", filter=Q(checkins__status=CheckIn.Status.OPEN)))
        .prefetch_related(Prefetch("checkins", queryset=open_checkins, to_attr="open_checkins"))
        .order_by("next_due", "reference")
    )
    today = timezone.localdate()
    return render(request, "grants/mentor/dashboard.html", {"projects": projects, "today": today})


def _mentor_checkin(request, pk):
    return get_object_or_404(
        CheckIn.objects.select_related("application__competition", "application__group"),
        pk=pk,
        application__mentor=request.user,
        application__status__in=mentoring.FUNDED,
    )


@member_required
def checkin_record(request, pk):
    checkin = _mentor_checkin(request, pk)
    form = CheckInForm(request.POST or None, instance=checkin, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mentoring.checkin_record(
                checkin=checkin,
                by=request.user,
                held_on=data["held_on"],
                format=data["format"],
                progress=data["progress"],
                notes=data["notes"],
                actions=data["actions"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The check-in is recorded."))
            return redirect("grants:mentor_dashboard")
    history = checkin.application.checkins.order_by("due_on")
    return render(
        request,
        "grants/mentor/checkin.html",
        {"checkin": checkin, "form": form, "history": history, "application": checkin.application},
    )


@staff_required
@require_POST
def mentor_assign(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = MentorForm(request.POST)
    if form.is_valid():
        try:
            mentoring.mentor_assign(application=application, mentor=form.cleaned_data["mentor"], by=request.user)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The mentor is assigned and the check-ins are scheduled."))
    else:
        messages.error(request, _("Choose a mentor."))
    return redirect("grants:staff_decide", pk=pk)


@staff_required
@require_POST
def project_dates(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = ProjectDatesForm(request.POST)
    if form.is_valid():
        try:
            mentoring.project_dates_change(
                application=application,
                start=form.cleaned_data["planned_start"],
                end=form.cleaned_data["planned_end"],
                by=request.user,
            )
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The project's dates are changed; open check-ins and reports follow."))
    else:
        messages.error(request, _("Enter both dates."))
    return redirect("grants:staff_decide", pk=pk)


# --- reports (the group) --------------------------------------------------------------------


def _group_report(request, pk):
    visible = applications_visible_to(request.user).filter(group__memberships__user=request.user)
    return get_object_or_404(
        Report.objects.select_related("application__competition").prefetch_related(
            "indicator_values", "spending", "attachments"
        ),
        pk=pk,
        application__in=visible,
    )


@member_required
def report_edit(request, pk):
    report = _group_report(request, pk)
    application = report.application
    call = application.competition
    form = ReportForm(
        request.POST or None,
        indicators=call.indicators.all(),
        budget_lines=application.budget_lines.all(),
        currency=call.currency,
        initial=ReportForm.initial_from(report),
    )
    editable = report.status in reports.EDITABLE
    section_errors = {}
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This report is submitted and can no longer be changed."))
            return redirect("grants:report", pk=pk)
        if form.is_valid():
            action = reports.report_submit if request.POST.get("action") == "submit" else reports.report_save
            try:
                # The draft is saved on its own first, so a refused submission loses nothing.
                reports.report_save(report=report, by=request.user, **form.draft())
                if action is reports.report_submit:
                    reports.report_submit(report=report, by=request.user, **form.draft())
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    if field in ("indicators", "spending"):
                        section_errors[field] = errors  # shown under their sections
                    else:
                        form.add_error(field if field in form.fields else None, errors)
                messages.error(
                    request, _("Your draft is saved, but it cannot be submitted yet. See the marked fields.")
                )
            else:
                messages.success(
                    request,
                    _("The report is submitted.")
                    if action is reports.report_submit
                    else _("Your draft report is saved."),
                )
                return redirect("grants:report", pk=pk)
    return render(
        request,
        "grants/report_form.html",
        {
            "report": report,
            "application": application,
            "call": call,
            "form": form,
            "editable": editable,
            "section_errors": section_errors,
            "attachment_form": AttachmentForm(),
        },
    )


@member_required
@require_POST
def report_attachment(request, pk):
    report = _group_report(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reports.report_attachment_add(report=report, uploaded_file=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The file is attached."))
    else:
        report_errors(request, ValidationError(form.errors.get("file", [_("Choose a file.")])))
    return redirect("grants:report", pk=pk)


# --- reports (staff) ------------------------------------------------------------------------


@staff_required
def staff_report(request, pk):
    report = get_object_or_404(
        Report.objects.select_related("application__competition", "application__group").prefetch_related(
            "indicator_values__indicator", "spending__budget_line", "attachments"
        ),
        pk=pk,
    )
    form = StaffReportForm(request.POST or None)
    practice_form = GoodPracticeForm(
        request.POST or None if request.POST.get("action") == "good_practice" else None,
        initial={"summary": getattr(getattr(report.application, "good_practice", None), "summary", "")},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "good_practice" and practice_form.is_valid():
                reports.good_practice_mark(
                    application=report.application, summary=practice_form.cleaned_data["summary"], by=request.user
                )
                messages.success(request, _("The project is listed as a good practice."))
            elif action in ("accept", "changes") and form.is_valid():
                comment = form.cleaned_data["comment"]
                if action == "accept":
                    reports.report_accept(report=report, by=request.user, comment=comment)
                    messages.success(request, _("The report is accepted."))
                else:
                    reports.report_request_changes(report=report, by=request.user, comment=comment)
                    messages.success(request, _("The group is asked for changes."))
            else:
                raise ValidationError(_("Check the form."))
        except (ValidationError, PermissionDenied) as error:
            report_errors(request, error)
        else:
            return redirect("grants:staff_report", pk=pk)
    return render(
        request,
        "grants/staff/report.html",
        {
            "report": report,
            "application": report.application,
            "call": report.application.competition,
            "form": form,
            "practice_form": practice_form,
        },
    )


@staff_required
def call_outbox(request, pk):
    """What was sent to whom, when, and what failed, for one call."""
    call = get_object_or_404(Competition, pk=pk)
    messages_qs = OutboxMessage.objects.filter(competition=call).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in OutboxMessage.Status.values:
        messages_qs = messages_qs.filter(status=status)
    page = Paginator(messages_qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/staff/outbox.html",
        {"call": call, "page": page, "status": status, "statuses": OutboxMessage.Status.choices},
    )


# --- public ---------------------------------------------------------------------------------


def good_practices(request, pk):
    """A programme's good practices; grantees of confidential calls are never named."""
    programme = get_object_or_404(Programme, pk=pk)
    practices = GoodPractice.objects.filter(application__competition__programme=programme).select_related(
        "application__competition", "application__group", "application__region"
    )
    return render(request, "grants/good_practices.html", {"programme": programme, "practices": practices})
