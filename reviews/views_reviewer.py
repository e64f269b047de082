"""The reviewer's journey: declare conflicts, work through the queue, score against the rubric."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.rules import is_reviewer
from applications.attachments import attachment_for_download
from applications.call_questions import answer_file_readable
from applications.identity import application_identity
from applications.models import Attachment
from applications.selectors import application_files
from config.pagination import CountedPaginator

from . import selectors, services
from .forms import AssignmentConflictForm, ConflictDeclarationForm, ReviewForm
from .models import PoolMembership, Review


def _require_reviewer(request):
    if not is_reviewer(request.user):
        raise Http404


QUEUE_PAGE_SIZE = 25


@member_required
def queue(request):
    """Two lists, each paginated on its own: what is still to do, and what is submitted."""
    _require_reviewer(request)
    progress = selectors.reviewer_progress(request.user)  # its counts are the two lists' counts
    todo = CountedPaginator(
        selectors.reviewer_queue(request.user), QUEUE_PAGE_SIZE, count=progress["total"] - progress["done"]
    ).get_page(request.GET.get("page"))
    done = CountedPaginator(
        selectors.reviewer_queue(request.user, done=True), QUEUE_PAGE_SIZE, count=progress["done"]
    ).get_page(request.GET.get("done_page"))
    return render(
        request,
        "reviews/queue.html",
        {
            "todo": todo,
            "done": done,
            "todo_query": _query_without(request, "page"),
            "done_query": _query_without(request, "done_page"),
            "progress": progress,
            "awaiting": selectors.pools_awaiting_declaration(request.user),
        },
    )


def _query_without(request, name):
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@member_required
def declare_conflicts(request, pk):
    _require_reviewer(request)
    membership = get_object_or_404(
        PoolMembership.objects.select_related("competition"), competition_id=pk, reviewer=request.user
    )
    call = membership.competition
    search = request.GET.get("q", "").strip()[:100]
    form = ConflictDeclarationForm(
        request.POST or None,
        competition=call,
        search=search,
        initial={"home_region": request.user.home_region_id},
    )
    if request.method == "POST" and form.is_valid():
        services.conflicts_declare(
            competition=call,
            by=request.user,
            groups=form.cleaned_data["groups"],
            regions=form.cleaned_data["regions"],
            reason=form.cleaned_data["reason"],
            home_region=form.cleaned_data["home_region"],
        )
        messages.success(request, _("Your declaration is saved. You can now open your assigned applications."))
        return redirect("reviews:queue")
    declared = selectors.declared_conflicts(call, request.user)
    return render(
        request,
        "reviews/conflicts.html",
        {"call": call, "form": form, "membership": membership, "declared": declared, "search": search},
    )


def _assignment(request, pk):
    _require_reviewer(request)
    return get_object_or_404(
        selectors.assignments_visible_to(request.user).prefetch_related(
            "application__budget_lines", Prefetch("application__attachments", queryset=application_files())
        ),
        pk=pk,
    )


@member_required
def review(request, pk):
    assignment = _assignment(request, pk)
    application = assignment.application
    call = application.competition
    criteria = list(call.criteria.all())
    existing = selectors.review_of(assignment)
    submitted = existing is not None and existing.status == Review.Status.SUBMITTED
    form = ReviewForm(request.POST or None, criteria=criteria, initial=ReviewForm.initial_from(existing))
    if request.method == "POST" and submitted:
        messages.error(request, _("This review is submitted and can no longer be changed."))
        return redirect("reviews:review", pk=pk)
    if request.method == "POST" and form.is_valid():
        action = services.review_submit if request.POST.get("action") == "submit" else services.review_save
        try:
            draft = {
                "scores": form.scores(),
                "overall_comment": form.cleaned_data["overall_comment"],
                "recommendation": form.cleaned_data["recommendation"],
            }
            # The draft is saved on its own first, so a refused submission loses nothing.
            services.review_save(assignment=assignment, by=request.user, **draft)
            if action is services.review_submit:
                services.review_submit(assignment=assignment, by=request.user, **draft)
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
            if action is services.review_submit:
                messages.error(
                    request, _("Your draft is saved, but it cannot be submitted yet. See the marked fields.")
                )
        else:
            if action is services.review_submit:
                messages.success(request, _("Your review is submitted. Thank you!"))
                return redirect("reviews:queue")
            messages.success(request, _("Your draft review is saved."))
            return redirect("reviews:review", pk=pk)
    return render(
        request,
        "reviews/review.html",
        {
            "assignment": assignment,
            "application": application,
            "call": call,
            "form": form,
            "review": existing,
            "submitted": submitted,
            "blind": call.blind_review,
            # Only read when the review is not blind: a confidential call's group keeps its code name.
            "group": application_identity(application, request.user, purpose="review"),
            "conflict_form": AssignmentConflictForm(),
        },
    )


@member_required
@require_POST
def declare_assignment_conflict(request, pk):
    assignment = _assignment(request, pk)
    form = AssignmentConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why you have a conflict of interest."))
        return redirect("reviews:review", pk=pk)
    try:
        services.conflict_declare_on_assignment(
            assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [])))
        return redirect("reviews:review", pk=pk)
    messages.success(request, _("The conflict is recorded and the application is no longer assigned to you."))
    return redirect("reviews:queue")


@member_required
def attachment_download(request, pk, attachment_pk):
    assignment = _assignment(request, pk)
    attachments = list(assignment.application.attachments.all())
    attachment = next((a for a in attachments if a.pk == attachment_pk), None)
    if attachment is None:
        return _answer_file_download(assignment, attachment_pk, request.user)
    name = attachment.original_name
    if assignment.application.competition.blind_review:
        name = blind_file_name(assignment.application, attachments.index(attachment) + 1, attachment)
    return _file_response(attachment, name)


def _answer_file_download(assignment, attachment_pk, user):
    """A file answering one of the call's questions, if the reviewer may see that question."""
    attachment = Attachment.objects.filter(
        application=assignment.application, purpose=Attachment.Purpose.ANSWER, pk=attachment_pk
    ).first()
    if attachment is not None:
        attachment.application = assignment.application
    if attachment is None or not answer_file_readable(attachment, user, for_reviewer=True):
        raise Http404
    name = attachment.original_name
    if assignment.application.competition.blind_review:
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        name = f"{assignment.application.reference}-{attachment.question}.{extension}"
    return _file_response(attachment, name)


def _file_response(attachment, name):
    # Reviewers never get the original: its metadata may name the applicant (blind review).
    stored = attachment_for_download(attachment, original=False)
    if stored is None:
        raise Http404
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def blind_file_name(application, number: int, attachment: Attachment) -> str:
    extension = attachment.original_name.rsplit(".", 1)[-1].lower() if "." in attachment.original_name else "bin"
    return f"{application.reference}-attachment-{number}.{extension}"
