"""The mentor's side of a funded project: their dashboard and check-ins; staff assign mentors and
move a project's dates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, staff_required
from accounts.feedback import report_errors
from accounts.rules import is_mentor
from applications.identity import application_identity
from applications.models import Application

from . import mentoring, selectors
from .forms import CheckInForm, MentorForm, ProjectDatesForm
from .models import CheckIn

PROJECTS_PAGE_SIZE = 25


@member_required
def mentor_dashboard(request):
    if not is_mentor(request.user):
        raise Http404
    page = Paginator(selectors.mentor_projects(request.user), PROJECTS_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "projects/mentor/dashboard.html", {"page": page, "today": today})


def _mentor_checkin(request, pk):
    return get_object_or_404(
        CheckIn.objects.select_related("application__competition", "application__group"),
        pk=pk,
        application__mentor=request.user,
        application__status__in=selectors.FUNDED,
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
            return redirect("projects:mentor_dashboard")
    history = checkin.application.checkins.order_by("due_on")
    return render(
        request,
        "projects/mentor/checkin.html",
        {
            "checkin": checkin,
            "form": form,
            "history": history,
            "application": checkin.application,
            "group": application_identity(checkin.application, request.user, purpose="check-in"),
        },
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
    return redirect("projects:staff_decide", pk=pk)


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
    return redirect("projects:staff_decide", pk=pk)
