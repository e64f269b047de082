"""Staff side of review: the reviewer pool, assignment (by hand or balanced), and forcing completion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.models import User
from applications.models import Application
from grants.models import Competition

from . import selectors, services
from .forms import AutoAssignForm, ManualAssignForm, PoolAddForm
from .matrix import matrix_rows
from .models import Assignment


def _call(pk):
    return get_object_or_404(Competition.objects.select_related("programme"), pk=pk)


MATRIX_PAGE_SIZE = 50


@staff_required
def reviewers(request, pk):
    """The pool, the assignment forms and one page of the matrix (applications × pool members)."""
    call = _call(pk)
    show = request.GET.get("show", "")
    if show not in selectors.MATRIX_FILTERS:
        show = ""
    search = request.GET.get("q", "").strip()[:100]
    pool = list(selectors.review_pool(call))
    page = Paginator(selectors.matrix_applications(call, show=show, search=search), MATRIX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = matrix_rows(call, pool, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/staff/reviewers.html",
        {
            "call": call,
            "pool": pool,
            "rows": rows,
            "page": page,
            "show": show,
            "search": search,
            "query": query.urlencode(),
            "filters": [
                ("", _("All")),
                ("unassigned", _("Not enough reviewers")),
                ("missing", _("Reviews missing")),
                ("conflicts", _("Conflicts")),
            ],
            "pool_form": PoolAddForm(competition=call),
            "auto_form": AutoAssignForm(),
            "manual_form": ManualAssignForm(competition=call),
        },
    )


@staff_required
@require_POST
def pool_add(request, pk):
    call = _call(pk)
    form = PoolAddForm(request.POST, competition=call)
    if form.is_valid():
        services.pool_add(competition=call, reviewer=form.cleaned_data["reviewer"], by=request.user)
        messages.success(request, _("%(name)s is in the reviewer pool.") % {"name": form.cleaned_data["reviewer"]})
    else:
        messages.error(request, _("Choose a reviewer to add."))
    return redirect("reviews:staff_reviewers", pk=pk)


@staff_required
@require_POST
def pool_remove(request, pk, user_pk):
    call = _call(pk)
    reviewer = get_object_or_404(User, pk=user_pk, review_pools__competition=call)
    try:
        services.pool_remove(competition=call, reviewer=reviewer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer in the pool.") % {"name": reviewer})
    return redirect("reviews:staff_reviewers", pk=pk)


@staff_required
@require_POST
def assign_auto(request, pk):
    call = _call(pk)
    form = AutoAssignForm(request.POST)
    form.is_valid()
    result = services.assign_automatically(
        competition=call, by=request.user, avoid_same_region=form.cleaned_data.get("avoid_same_region", False)
    )
    messages.success(
        request,
        ngettext("%(count)s new assignment.", "%(count)s new assignments.", result["created"])
        % {"count": result["created"]},
    )
    if result["unfilled"]:
        messages.warning(
            request,
            _(
                "Not enough available reviewers for: %(refs)s. Add reviewers to the pool, then run automatic "
                "assignment again."
            )
            % {"refs": ", ".join(result["unfilled"])},
        )
    return redirect("reviews:staff_reviewers", pk=pk)


@staff_required
@require_POST
def assign_manual(request, pk):
    call = _call(pk)
    form = ManualAssignForm(request.POST, competition=call)
    if form.is_valid():
        try:
            services.assignment_create(
                application=form.cleaned_data["application"], reviewer=form.cleaned_data["reviewer"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The reviewer is assigned."))
    else:
        problems = form.errors.get("application") if "application" in form.errors else None
        messages.error(request, " ".join(problems) if problems else _("Choose an application and a reviewer."))
    return redirect("reviews:staff_reviewers", pk=pk)


@staff_required
@require_POST
def assignment_remove(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("application"), pk=pk)
    try:
        services.assignment_remove(assignment=assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The assignment is removed."))
    return redirect("reviews:staff_reviewers", pk=assignment.application.competition_id)


@staff_required
@require_POST
def complete_review(request, pk):
    application = get_object_or_404(Application, pk=pk)
    try:
        services.application_complete_review(
            application=application, by=request.user, comment=request.POST.get("comment", "").strip()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The review of %(ref)s is complete.") % {"ref": application.reference})
    return redirect("applications:detail", pk=pk)
