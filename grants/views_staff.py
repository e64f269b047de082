"""The programme officer's area: calls and the applications that came in."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import staff_required
from applications.selectors import competition_applications

from . import selectors, services
from .filters import CallApplicationFilter
from .forms import CompetitionForm, CriterionFormSet
from .models import Competition

PAGE_SIZE = 25


@staff_required
def staff_dashboard(request):
    return render(request, "grants/staff/dashboard.html", {"calls": selectors.staff_competitions()})


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
        if request.method == "POST" and form.is_valid() and criteria.is_valid():
            call = services.competition_save(form=form, criteria_formset=criteria, by=request.user)
            messages.success(request, _("The call “%(title)s” is saved.") % {"title": call.title})
            return redirect("grants:staff_call_applications", pk=call.pk)
        return render(request, "grants/staff/call_form.html", {"form": form, "criteria": criteria, "call": call})


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
        },
    )
