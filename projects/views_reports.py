"""Reports of funded projects: the group writes them, staff accept or send them back; the award
letter; and the public good practices of a programme."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, staff_required
from accounts.feedback import report_errors
from applications.forms import AttachmentForm
from applications.selectors import applications_visible_to
from grants.models import Programme

from . import reports, selectors
from .forms import GoodPracticeForm, ReportForm, StaffReportForm
from .letters import award_letter_pdf
from .models import Report


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
            return redirect("projects:report", pk=pk)
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
                return redirect("projects:report", pk=pk)
    return render(
        request,
        "projects/report_form.html",
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
    return redirect("projects:report", pk=pk)


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
            return redirect("projects:staff_report", pk=pk)
    return render(
        request,
        "projects/staff/report.html",
        {
            "report": report,
            "application": report.application,
            "call": report.application.competition,
            "form": form,
            "practice_form": practice_form,
        },
    )


def good_practices(request, pk):
    """A programme's good practices; grantees of confidential calls are never named."""
    programme = get_object_or_404(Programme, pk=pk)
    practices = selectors.public_good_practices(programme)
    return render(request, "projects/good_practices.html", {"programme": programme, "practices": practices})


def award_letter(request, pk):
    """The award letter, for the group's members, its mentor and staff (anyone else gets a 404)."""
    if not request.user.is_authenticated:
        raise Http404
    application = get_object_or_404(
        applications_visible_to(request.user)
        .filter(status__in=selectors.COMMITTED_STATUSES)
        .select_related("competition__programme"),
        pk=pk,
    )
    response = HttpResponse(award_letter_pdf(application, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="award-letter-{application.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
