"""The programme officer's area: calls and the applications that came in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from applications import services as application_services
from applications.selectors import competition_applications
from reviews.forms import ScreeningForm

from . import selectors, services
from .awards import money_by_currency, money_summary
from .filters import CallApplicationFilter
from .forms import CompetitionForm, CriterionFormSet, IndicatorFormSet
from .models import Competition

PAGE_SIZE = 25


@staff_required
def staff_dashboard(request):
    calls = list(selectors.staff_competitions())
    return render(request, "grants/staff/dashboard.html", {"calls": calls, "money": money_by_currency(calls)})


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
        if request.method == "POST" and form.is_valid() and criteria.is_valid() and indicators.is_valid():
            call = services.competition_save(
                form=form, criteria_formset=criteria, indicator_formset=indicators, by=request.user
            )
            messages.success(request, _("The call “%(title)s” is saved.") % {"title": call.title})
            return redirect("grants:staff_call_applications", pk=call.pk)
        return render(
            request,
            "grants/staff/call_form.html",
            {"form": form, "criteria": criteria, "indicators": indicators, "call": call},
        )


@staff_required
def call_applications(request, pk):
    call = get_object_or_404(Competition.objects.select_related("programme"), pk=pk)
    filterset = CallApplicationFilter(request.GET or None, queryset=competition_applications(call))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "grants/staff/call_applications.html",
        {
            "call": call,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "screening_form": ScreeningForm(competition=call),
            "summary": money_summary(call),
        },
    )


@staff_required
@require_POST
def call_screen(request, pk):
    """Screen one or many submitted applications: eligible (may be reviewed) or ineligible with a reason."""
    call = get_object_or_404(Competition, pk=pk)
    form = ScreeningForm(request.POST, competition=call)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(request.POST.get("next") or reverse("grants:staff_call_applications", kwargs={"pk": pk}))
    done = 0
    for application in form.cleaned_data["applications"]:
        try:
            if form.cleaned_data["action"] == "eligible":
                application_services.application_mark_eligible(application=application, by=request.user)
            else:
                application_services.application_screen_out(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
            done += 1
        except ValidationError as error:
            messages.error(request, f"{application.reference}: {' '.join(error.messages)}")
    messages.success(
        request, ngettext("%(count)s application screened.", "%(count)s applications screened.", done) % {"count": done}
    )
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("grants:staff_call_applications", kwargs={"pk": pk})
    return redirect(next_url)
