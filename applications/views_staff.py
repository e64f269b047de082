"""Staff's list of a call's applications, and screening them for eligibility."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from config.redirects import redirect_back
from grants.models import Competition

from . import erasure, services
from .filters import CallApplicationFilter
from .forms import GroupEraseForm, ScreeningForm
from .identity import application_identities
from .identity_log import IdentityDisclosure
from .models import ApplicantGroup
from .pages import call_applications_sections, render_sections
from .selectors import competition_applications

PAGE_SIZE = 25


@staff_required
def call_applications(request, pk):
    call = get_object_or_404(Competition.objects.select_related("programme"), pk=pk)
    filterset = CallApplicationFilter(request.GET or None, queryset=competition_applications(call))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    groups = application_identities(page.object_list, request.user, purpose="call's applications")
    return render(
        request,
        "applications/staff/call_applications.html",
        {
            "call": call,
            "filter": filterset,
            "page": page,
            "groups_shown": groups,
            "query": query.urlencode(),
            "screening_form": ScreeningForm(competition=call),
            "sections": render_sections(call_applications_sections, request, call),
        },
    )


@staff_required
@require_POST
def call_screen(request, pk):
    """Screen one or many submitted applications: eligible (may be reviewed) or ineligible with a reason."""
    call = get_object_or_404(Competition, pk=pk)
    back = reverse("applications:staff_call_applications", kwargs={"pk": pk})
    form = ScreeningForm(request.POST, competition=call)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_back(request, back)
    done = 0
    for application in form.cleaned_data["applications"]:
        try:
            if form.cleaned_data["action"] == "eligible":
                services.application_mark_eligible(application=application, by=request.user)
            else:
                services.application_screen_out(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
            done += 1
        except ValidationError as error:
            messages.error(request, f"{application.reference}: {' '.join(error.messages)}")
    messages.success(
        request, ngettext("%(count)s application screened.", "%(count)s applications screened.", done) % {"count": done}
    )
    return redirect_back(request, back)


@staff_required
def identity_log(request):
    """Every time a confidential call's group was shown by its real name: who, when, where."""
    disclosures = IdentityDisclosure.objects.select_related("shown_to", "group", "application")
    page = Paginator(disclosures, 50).get_page(request.GET.get("page"))
    return render(request, "applications/staff/identity_log.html", {"page": page})


@staff_required
@require_POST
def group_erase(request, pk):
    """Erase a group on its request (applications/erasure.py says what goes and what stays)."""
    group = get_object_or_404(ApplicantGroup, pk=pk)
    form = GroupEraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say who asked for the erasure and confirm it."))
        return redirect(group)
    try:
        erasure.group_erase(group=group, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The group is erased. Its figures stay in the programme's totals."))
    return redirect(group)
