"""Everything that changes groups and applications. The only code that runs a transition.

Each transition: one ``transaction.atomic()``, the row re-read with ``select_for_update()``,
``has_transition_perm`` checked, the transition run and saved, the log written by django-fsm-log
in the same transaction, and e-mail queued in the outbox (sent after commit).
"""

import hashlib
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from grants.models import Competition
from grants.money import format_money
from notifications.services import outbox_enqueue

from .models import ApplicantGroup, Application, Attachment, BudgetLine, GroupInvitation, GroupMembership
from .rules import can_decide, forget_member_groups, is_group_member
from .submission import submission_errors

# Content types we accept, detected from the file's bytes (never from its name or the browser).
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}
COMMITTED_STATUSES = (Application.Status.AWARDED, Application.Status.REPORTED, Application.Status.CLOSED)


# --- groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, by, **fields) -> ApplicantGroup:
    group = ApplicantGroup.objects.create(**fields)
    GroupMembership.objects.create(group=group, user=by, role=GroupMembership.Role.LEAD)
    forget_member_groups(by)
    return group


def group_update(*, group, by, **fields) -> ApplicantGroup:
    if not is_group_member(by, group):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    return group


@transaction.atomic
def group_invite(*, group, email, by) -> GroupInvitation:
    if not is_group_member(by, group):
        raise PermissionDenied
    email = email.strip().lower()
    if group.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the group.")})
    invitation = GroupInvitation.objects.create(group=group, email=email, invited_by=by)
    from accounts.models import User

    recipient = User.objects.filter(email__iexact=email).first() or User(email=email, language=group.language)
    outbox_enqueue(
        user=recipient,
        kind="group_invitation",
        dedupe_key=f"group-invitation:{invitation.pk}",
        template="applications/email/invitation",
        context={
            "group": group,
            "invited_by": by,
            "accept_url": settings.SITE_BASE_URL
            + reverse("applications:invitation_accept", kwargs={"token": invitation.token}),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token, user) -> GroupMembership:
    invitation = GroupInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation does not exist or was withdrawn."))
    if invitation.accepted_at and invitation.accepted_by_id != user.pk:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.lower() != (user.email or "").lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Log in as %(email)s.") % {"email": invitation.email}
        )
    membership, _created = GroupMembership.objects.get_or_create(group=invitation.group, user=user)
    invitation.accepted_at = invitation.accepted_at or timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_member_groups(user)
    return membership


# --- drafts ---------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, competition: Competition, group: ApplicantGroup, by) -> Application:
    if not is_group_member(by, group):
        raise PermissionDenied
    if not competition.is_open():
        raise ValidationError(_("This call is not open for applications."))
    application = Application.objects.create(
        competition=competition, group=group, created_by=by, region_id=group.region_id
    )
    application.reference = f"SG-{application.created_at.year}-{application.pk:04d}"
    application.save(update_fields=["reference"])
    return application


def _lock_draft(application, by) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_group_member(by, locked):
        raise PermissionDenied
    if locked.status != Application.Status.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer be changed."))
    return locked


@transaction.atomic
def application_update_draft(*, application, by, fields: dict, budget_lines=None) -> Application:
    """Save what the applicant typed into a draft. ``budget_lines``: rows of dicts, or ``None``.

    A row is ``{"id": existing id or None, "category", "description", "quantity", "unit_cost",
    "DELETE": bool}``. Ids of other applications' lines are treated as new lines. After the call,
    each kept row's ``"id"`` holds its saved line's id, so a form can learn the ids of new lines.
    """
    locked = _lock_draft(application, by)
    editable = set(Application.TEXT_FIELDS) | {
        "region",
        "planned_start",
        "planned_end",
        "requested_amount",
        "own_contribution",
    }
    for name, value in fields.items():
        if name in editable:
            setattr(locked, name, value)
    if locked.own_contribution is None:
        locked.own_contribution = Decimal("0")
    locked.save()
    if budget_lines is not None:
        _save_budget_lines(locked, budget_lines)
    return locked


def _save_budget_lines(application, rows):
    existing = {line.pk: line for line in application.budget_lines.all()}
    for position, row in enumerate(rows):
        line = existing.get(row.get("id")) if row.get("id") else None
        if row.get("DELETE"):
            if line:
                line.delete()
            continue
        line = line or BudgetLine(application=application)
        line.category = row["category"]
        line.description = row["description"]
        line.quantity = row["quantity"]
        line.unit_cost = row["unit_cost"]
        line.position = position
        line.save()
        row["id"] = line.pk


def validate_attachment(uploaded_file) -> str:
    """Return the detected content type, or raise ValidationError with a clear message."""
    if uploaded_file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(uploaded_file.size / 1024 / 1024, 1),
                "limit": round(settings.ATTACHMENT_MAX_BYTES / 1024 / 1024, 1),
            },
            code="too_large",
        )
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/zip" and uploaded_file.name.lower().endswith((".docx", ".xlsx", ".odt", ".ods")):
        mime = _office_type(uploaded_file)
    name = uploaded_file.name.lower()
    if mime not in ALLOWED_ATTACHMENT_TYPES or not name.endswith(ALLOWED_ATTACHMENT_TYPES[mime]):
        raise ValidationError(
            _("This file type is not accepted. Upload a PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS file."),
            code="bad_type",
        )
    return mime


def _office_type(uploaded_file) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode() if "mimetype" in names else ""
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return ""
    finally:
        uploaded_file.seek(0)
    if mimetype in ALLOWED_ATTACHMENT_TYPES:
        return mimetype
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ""


@transaction.atomic
def attachment_add(*, application, uploaded_file, by) -> Attachment:
    locked = _lock_draft(application, by)
    content_type = validate_attachment(uploaded_file)
    original_name = uploaded_file.name.replace("\\", "/").rsplit("/", 1)[-1][:255]
    return Attachment.objects.create(
        application=locked,
        file=uploaded_file,
        original_name=original_name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )


@transaction.atomic
def attachment_delete(*, attachment, by) -> None:
    _lock_draft(attachment.application, by)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- transitions ----------------------------------------------------------------------------


def _not_possible(application) -> ValidationError:
    return ValidationError(
        _("This application is now “%(status)s”, so this step is not possible.")
        % {"status": application.get_status_display()},
        code="wrong_state",
    )


def _run_transition(locked: Application, name: str, by, comment: str = "") -> Application:
    method = getattr(locked, name)
    if not can_proceed(method, check_conditions=False):
        raise _not_possible(locked)
    if not has_transition_perm(method, by):
        if not can_proceed(method):
            raise ValidationError(_("The conditions for this step are not met."), code="conditions")
        raise PermissionDenied
    method(by=by, description=comment or None)
    locked.save()
    return locked


def _lock(application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


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
            competition=application.competition,
            language=application.group.language if in_group_language else None,
        )


def _snapshot(application) -> dict:
    return {
        **{name: getattr(application, name) for name in Application.TEXT_FIELDS},
        "region": str(application.region) if application.region_id else "",
        "planned_start": application.planned_start.isoformat() if application.planned_start else None,
        "planned_end": application.planned_end.isoformat() if application.planned_end else None,
        "requested_amount": str(application.requested_amount),
        "own_contribution": str(application.own_contribution),
        "currency": application.competition.currency,
        "budget_lines": [
            {
                "category": line.category,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_cost": str(line.unit_cost),
                "total": str(line.total),
            }
            for line in application.budget_lines.all()
        ],
        "attachments": [
            {"name": a.original_name, "size": a.size, "sha256": _sha256(a)}
            for a in application.attachments.filter(report__isnull=True)
        ],
    }


def _sha256(attachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def application_submit(*, application, by, now=None) -> Application:
    """Submit a draft. Raises ValidationError keyed by field when something is missing or wrong."""
    locked = Application.objects.select_for_update().select_related("competition", "group").get(pk=application.pk)
    if locked.status != Application.Status.DRAFT:
        if locked.status == Application.Status.SUBMITTED:
            raise ValidationError(_("This application has already been submitted."), code="already_submitted")
        raise _not_possible(locked)
    if not is_group_member(by, locked):
        raise PermissionDenied
    errors = submission_errors(locked, now=now)
    if errors:
        raise ValidationError(errors)
    locked.submitted_at = now or timezone.now()
    locked.submitted_snapshot = _snapshot(locked)
    _run_transition(locked, "submit", by)
    notify_members(locked, kind="application_submitted", template="applications/email/submitted")
    return locked


@transaction.atomic
def application_withdraw(*, application, by, comment="") -> Application:
    return _run_transition(_lock(application), "withdraw", by, comment)


@transaction.atomic
def application_screen_out(*, application, by, reason) -> Application:
    """Staff find a submitted application ineligible; the group is told why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the applicant why the application is ineligible.")})
    locked = _run_transition(_lock(application), "screen_out", by, reason.strip())
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
    locked = _lock(application)
    if not can_decide(locked, by):
        raise PermissionDenied
    if locked.status != Application.Status.SUBMITTED:
        raise _not_possible(locked)
    locked.screened_at = timezone.now()
    locked.screened_by = by
    locked.save(update_fields=["screened_at", "screened_by", "updated_at"])
    return locked


@transaction.atomic
def application_start_review(*, application, by) -> Application:
    return _run_transition(_lock(application), "start_review", by)


@transaction.atomic
def application_complete_review(*, application, by=None, comment="") -> Application:
    return _run_transition(_lock(application), "complete_review", by, comment)


def _notify_decision(application, kind):
    notify_members(application, kind=kind, template=f"applications/email/{kind}", in_group_language=True)


@transaction.atomic
def application_waitlist(*, application, by, comment="") -> Application:
    locked = _lock(application)
    locked.decided_at = timezone.now()
    _run_transition(locked, "waitlist", by, comment)
    _notify_decision(locked, "waitlisted")
    return locked


@transaction.atomic
def application_reject(*, application, by, feedback="", share_reviewer_comments=False) -> Application:
    """Reject with feedback the group reads; reviewers' comments are shared only if staff choose."""
    locked = _lock(application)
    locked.decision_feedback = feedback.strip()
    locked.share_reviewer_comments = share_reviewer_comments
    locked.decided_at = timezone.now()
    _run_transition(locked, "reject", by, feedback.strip())
    _notify_decision(locked, "rejected")
    return locked


@transaction.atomic
def application_submit_final_report(*, application, by) -> Application:
    return _run_transition(_lock(application), "submit_final_report", by)


@transaction.atomic
def application_request_changes(*, application, by, comment) -> Application:
    return _run_transition(_lock(application), "request_changes", by, comment)


@transaction.atomic
def application_close(*, application, by, comment="") -> Application:
    return _run_transition(_lock(application), "close", by, comment)


def committed_amount(competition) -> Decimal:
    total = competition.applications.filter(status__in=COMMITTED_STATUSES).aggregate(total=Sum("awarded_amount"))[
        "total"
    ]
    return total or Decimal("0")


@transaction.atomic
def application_award(*, application, amount: Decimal, by, conditions="", comment="") -> Application:
    """Award ``amount``: never above the request, never above what is left in the call's pool.

    The call's row is locked first, so two staff members awarding at once are serialised and the
    second sees the first one's award in ``committed_amount``.
    """
    competition = Competition.objects.select_for_update().get(pk=application.competition_id)
    locked = _lock(application)
    if not can_proceed(locked.award, check_conditions=False):
        raise _not_possible(locked)
    check_award_amount(locked, competition, amount)
    locked.awarded_amount = amount
    locked.award_conditions = conditions.strip()
    locked.decided_at = timezone.now()
    description = comment or _("Awarded %(amount)s") % {"amount": format_money(amount, competition.currency)}
    _run_transition(locked, "award", by, description)
    _notify_decision(locked, "awarded")
    return locked


def check_award_amount(application, competition, amount, *, replacing=Decimal("0")) -> None:
    """Raise a ValidationError on ``amount`` unless it is above zero, within the request and within
    what is left of the pool (``replacing``: the part of the committed total this amount replaces)."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if application.requested_amount is not None and amount > application.requested_amount:
        raise ValidationError(
            {
                "amount": _("The award cannot exceed the requested %(amount)s.")
                % {"amount": format_money(application.requested_amount, competition.currency)}
            }
        )
    remaining = competition.budget_pool - committed_amount(competition) + replacing
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("Only %(remaining)s is left in this call's budget pool.")
                % {"remaining": format_money(remaining, competition.currency)}
            }
        )
