"""Everything that changes groups and applications. The only code that runs a transition.

Each transition: one ``transaction.atomic()``, the row re-read with ``select_for_update()``,
``has_transition_perm`` checked, the transition run and saved, the log written by django-fsm-log
in the same transaction, and e-mail queued in the outbox (sent after commit).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from grants.models import Competition
from notifications.services import outbox_enqueue, outbox_enqueue_new

from .attachments import attachment_create
from .call_questions import answers_from_cleaned
from .conflicts import DraftConflict, version_check  # noqa: F401 (DraftConflict: the views catch it here)
from .eligibility import NotEligible, answer_problems, answers_record, group_problems
from .models import ApplicantGroup, Application, Attachment, BudgetLine, GroupMembership
from .rounds import decision_deadline, group_cap_error, round_for
from .rules import can_decide, is_group_member
from .services_groups import group_create, group_invite, group_update, invitation_accept  # noqa: F401 (callers)
from .snapshot import submitted_snapshot
from .submission import submission_errors
from .transitions import application_lock, not_possible, transition_run

# --- drafts ---------------------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, competition: Competition, group: ApplicantGroup, by, eligibility_answers: dict | None = None
) -> Application:
    """Start a draft, once the group is found eligible: the call's rules on regions, kinds of
    group and applications per group, and its eligibility questions (``eligibility_answers``:
    question id → answer). Nothing is created for an ineligible group (``NotEligible``)."""
    if not is_group_member(by, group):
        raise PermissionDenied
    if not competition.is_open():
        raise ValidationError(_("This call is not open for applications."))
    questions = list(competition.eligibility_questions.all())
    answers = eligibility_answers or {}
    problems = group_problems(competition, group)
    answer_issues = answer_problems(questions, answers)
    if problems or answer_issues:
        raise NotEligible(problems, answer_issues)
    application = Application.objects.create(
        competition=competition,
        stage=Application.Stage.CONCEPT if competition.two_stage else Application.Stage.FULL,
        group=group,
        created_by=by,
        region_id=group.region_id,
        eligibility_answers=answers_record(questions, answers) if questions else {},
    )
    application.reference = f"SG-{application.created_at.year}-{application.pk:04d}"
    application.save(update_fields=["reference"])
    return application


def _lock_draft(application, by) -> Application:
    """The draft's row, locked, and whether ``by`` belongs to its group, asked in the same query
    (an autosave, most of deadline day's requests, reads the row once)."""
    if not by.is_authenticated:
        raise PermissionDenied
    membership = GroupMembership.objects.filter(group_id=OuterRef("group_id"), user_id=by.pk)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .annotate(by_is_member=Exists(membership))
        .get(pk=application.pk)
    )
    if not locked.by_is_member:
        raise PermissionDenied
    if not locked.is_editable:
        raise ValidationError(_("This application has been submitted and can no longer be changed."))
    return locked


@transaction.atomic
def application_update_draft(
    *, application, by, fields: dict, budget_lines=None, expected_version: int | None = None
) -> Application:
    """Save what the applicant typed into a draft. ``budget_lines``: rows of dicts, or ``None``.

    A row is ``{"id": existing id or None, "category", "description", "quantity", "unit_cost",
    "DELETE": bool}``. Ids of other applications' lines are treated as new lines. After the call,
    each kept row's ``"id"`` holds its saved line's id, so a form can learn the ids of new lines.
    ``expected_version``: the ``draft_version`` the page was loaded with; if another save came
    since, nothing is saved and ``DraftConflict`` is raised (two editors never overwrite silently).
    """
    locked = _lock_draft(application, by)
    version_check(locked, expected_version, fields, budget_lines)
    locked.draft_version += 1
    _apply_draft_fields(locked, fields, application.competition)
    locked.save()
    if budget_lines is not None:
        _save_budget_lines(locked, budget_lines)
    return locked


DRAFT_FIELDS = frozenset(Application.TEXT_FIELDS) | {
    "region",
    "planned_start",
    "planned_end",
    "requested_amount",
    "own_contribution",
}


def _apply_draft_fields(locked, fields, competition=None):
    for name, value in fields.items():
        if name in DRAFT_FIELDS:
            setattr(locked, name, value)
    answers = answers_from_cleaned(fields)
    if answers:  # merged: an answer that failed its check keeps its saved value
        locked.form_answers = {**(locked.form_answers or {}), **answers}
        locked.form_version = (competition or locked.competition).form_version
    if locked.own_contribution is None:
        locked.own_contribution = Decimal("0")


def _save_budget_lines(application, rows) -> list[BudgetLine]:
    """Apply the rows; a line that did not change is not written (autosave sends every line every
    time). Returns the application's lines as they now are."""
    existing = {line.pk: line for line in application.budget_lines.order_by()}  # sorted below: no join for order
    for position, row in enumerate(rows):
        line = existing.get(row.get("id")) if row.get("id") else None
        if row.get("DELETE"):
            if line:
                line.delete()
                del existing[line.pk]
            continue
        values = {
            "category": row["category"],
            "description": row["description"],
            "quantity": row["quantity"],
            "unit_cost": row["unit_cost"],
            "position": position,
        }
        if line is not None and all(getattr(line, name) == value for name, value in values.items()):
            continue
        line = line or BudgetLine(application=application)
        for name, value in values.items():
            setattr(line, name, value)
        line.save()
        existing[line.pk] = line
        row["id"] = line.pk
    return sorted(existing.values(), key=lambda line: (line.position, line.pk))


@transaction.atomic
def attachment_add(*, application, uploaded_file, by) -> Attachment:
    locked = _lock_draft(application, by)
    if not application.competition.attachments_section:
        raise ValidationError(_("This call takes no attachments."))
    return attachment_create(
        application=locked, uploaded_file=uploaded_file, by=by, purpose=Attachment.Purpose.APPLICATION
    )


@transaction.atomic
def attachment_delete(*, attachment, by) -> None:
    _lock_draft(attachment.application, by)
    attachment_files_delete(attachment)
    attachment.delete()


def attachment_files_delete(attachment) -> None:
    """Delete the stored original and its clean copy once the caller's transaction commits."""
    for field in (attachment.file, attachment.clean_file):
        if field:
            stored, storage = field.name, field.storage
            transaction.on_commit(lambda stored=stored, storage=storage: storage.delete(stored))


# --- transitions ----------------------------------------------------------------------------


def notify_members(application, *, kind, template, extra=None, in_group_language=False):
    """One outbox e-mail to every member of the application's group (each exactly once)."""
    members = application.group.memberships.select_related("user")
    for membership in members:
        user = membership.user
        outbox_enqueue(
            user=user,
            kind=kind,
            dedupe_key=f"{kind}:{application.pk}:{user.pk}",
            template=template,
            context={"application": application, "call": application.competition, **(extra or {})},
            scope=application.competition.outbox_scope,
            language=application.group.language if in_group_language else None,
        )


def application_submit(
    *, application, by, fields=None, budget_lines=None, now=None, expected_version=None
) -> Application:
    """Submit a draft, first saving what the applicant typed with it (``fields``, ``budget_lines``
    and ``expected_version`` as for ``application_update_draft``).

    Raises ValidationError keyed by field when something is missing or wrong; what was typed is
    kept as the draft then. Built for deadline day: one transaction, the application's row alone
    locked (not the call's, which every applicant shares), the checks run once on what the lock
    read, one INSERT for every member's e-mail.
    """
    submitted, errors = _submit_or_keep_draft(application, by, fields, budget_lines, now, expected_version)
    if errors:
        raise ValidationError(errors)
    return submitted


@transaction.atomic
def _submit_or_keep_draft(application, by, fields, budget_lines, now, expected_version=None):
    others = (
        Application.objects.filter(competition_id=OuterRef("competition_id"), group_id=OuterRef("group_id"))
        .exclude(pk=OuterRef("pk"))
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .order_by()
        .values("group_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("competition", "group", "region")
        .annotate(other_applications=Coalesce(Subquery(others), 0))
        .get(pk=application.pk)
    )
    if not locked.is_editable:
        if locked.status == Application.Status.SUBMITTED:
            raise ValidationError(_("This application has already been submitted."), code="already_submitted")
        raise not_possible(locked)
    members = [m.user for m in locked.group.memberships.select_related("user")]
    locked.loaded_member_ids = {user.pk for user in members}  # the check and the e-mails share them
    if not is_group_member(by, locked):
        raise PermissionDenied
    typed = fields is not None or budget_lines is not None
    if typed:
        version_check(locked, expected_version, fields, budget_lines)  # another editor saved since?
        locked.draft_version += 1
    if fields is not None:
        _apply_draft_fields(locked, fields)
    if budget_lines is not None:
        lines = _save_budget_lines(locked, budget_lines)
    else:
        lines = list(locked.budget_lines.all())
    errors = submission_errors(
        locked,
        now=now,
        lines=lines,
        eligible_ids={r.pk for r in _eligible_regions(application, locked)},
        other_applications=locked.other_applications,
    )
    moment = now or timezone.now()
    cap_error = group_cap_error(locked, locked.requested_amount, moment)
    if cap_error:
        errors.setdefault("requested_amount", []).append(cap_error)
    if errors:
        if typed:
            locked.save()
        return locked, errors
    locked.submitted_at = moment
    locked.cutoff = round_for(locked.competition, moment)
    locked.decision_due = decision_deadline(locked.competition, moment)
    locked.submitted_snapshot = submitted_snapshot(locked, lines)
    locked.checked_submission_errors = errors  # the transition's guard reads it: checked once
    step = "submit_full" if locked.status == Application.Status.INVITED else "submit"  # full proposal: stage 2
    transition_run(locked, step, by)
    _freeze_call_form(locked.competition)
    outbox_enqueue_new(
        users=members,
        kind="application_submitted",
        dedupe_key=lambda user: (
            f"application_submitted:{locked.pk}:{user.pk}" + (":full" if step == "submit_full" else "")
        ),
        template="applications/email/submitted",
        context={"application": locked, "call": locked.competition},
        scope=locked.competition.outbox_scope,
    )
    return locked, {}


def _freeze_call_form(call) -> None:
    """The first submission freezes the call's questions: a later change is a new version. One
    UPDATE, for the first submission only (deadline day's others read the flag already set)."""
    if call.form_definition and not call.form_frozen:
        Competition.objects.filter(pk=call.pk, form_frozen=False).update(form_frozen=True)
        call.form_frozen = True


def _eligible_regions(application, locked):
    """The call's eligible regions: the caller's prefetched ones when it has them (the submit
    page read them to validate the form), else one query."""
    call = application._state.fields_cache.get("competition")
    prefetched = getattr(call, "_prefetched_objects_cache", {}).get("eligible_regions")
    if prefetched is not None and call.pk == locked.competition_id:
        return prefetched
    return locked.competition.eligible_regions.all()


@transaction.atomic
def application_withdraw(*, application, by, comment="") -> Application:
    return transition_run(application_lock(application), "withdraw", by, comment)


@transaction.atomic
def application_screen_out(*, application, by, reason) -> Application:
    """Staff find a submitted application ineligible; the group is told why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the applicant why the application is ineligible.")})
    locked = transition_run(application_lock(application), "screen_out", by, reason.strip())
    notify_members(
        locked,
        kind="application_ineligible",
        template="applications/email/ineligible",
        extra={"reason": reason.strip()},
    )
    return locked


@transaction.atomic
def application_mark_eligible(*, application, by) -> Application:
    """Staff find a submitted application eligible: it may now be assigned to reviewers."""
    locked = application_lock(application)
    if not can_decide(locked, by):
        raise PermissionDenied
    if locked.status != Application.Status.SUBMITTED:
        raise not_possible(locked)
    locked.screened_at = timezone.now()
    locked.screened_by = by
    locked.save(update_fields=["screened_at", "screened_by", "updated_at"])
    application_audit(locked, by, "application.found_eligible", _("Found eligible"))
    return locked


def application_audit(application, by, action, message, **data) -> None:
    """Record a staff change of ``application`` in the audit log, in the caller's transaction.
    The one way every layer logs a change of an application that is not a transition."""
    audit_record(
        by=by,
        action=action,
        message=message,
        call_id=application.competition_id,
        application_id=application.pk,
        label=application.reference or "",
        data=data,
    )
