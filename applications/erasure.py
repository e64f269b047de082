"""Retention and erasure: what goes when personal data must go, and what stays for reporting.

Names, contacts, free text and files go; amounts, dates, region, status and indicator figures
stay, so the programme's totals and reports still add up. Higher layers hold personal data of
an application too (reviews' comments, projects' reports and check-ins): they register a step in
``erasure_steps`` (their ``contributions.py``), so this module never imports them.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from accounts.rules import require_staff
from audit.services import audit_record
from config.registry import Registry
from grants.models import Programme
from notifications.models import OutboxMessage

from .models import ApplicantGroup, Application, GroupInvitation
from .services import application_audit, attachment_files_delete

# Callables ``step(application) -> None``, run inside the erasure's transaction.
erasure_steps = Registry("erasure steps")

# Finished: nothing more will happen to these, so the retention period can run.
FINISHED = (
    Application.Status.CLOSED,
    Application.Status.REJECTED,
    Application.Status.WITHDRAWN,
    Application.Status.INELIGIBLE,
    Application.Status.NOT_INVITED,
)


def _erase_application_data(application) -> None:
    """Blank what the group wrote and delete its files; keep amounts, dates and region."""
    Application.objects.filter(pk=application.pk).update(
        **{name: "" for name in Application.TEXT_FIELDS},
        award_conditions="",
        decision_feedback="",
        created_by=None,
        submitted_snapshot=None,
        form_answers={},
        concept={},
        eligibility_answers={},
        anonymised_at=timezone.now(),
    )
    application.budget_lines.update(description="")
    application.clarifications.update(body="")
    for attachment in application.attachments.all():
        attachment_files_delete(attachment)
        attachment.delete()
    StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).update(description=None)
    if application.reference:  # e-mails about it (to staff, reviewers, mentors) lose their text
        about = OutboxMessage.objects.filter(
            Q(subject__contains=application.reference) | Q(body__contains=application.reference)
        )
        about.update(subject="", body="", html_body="")
    for step in erasure_steps:
        step(application)


def _forget_mail(users, scope=None) -> None:
    """E-mails keep their row (sent once, never again) but lose what they said and to whom."""
    messages = OutboxMessage.objects.filter(recipient__in=users)
    if scope:
        messages = messages.filter(scope=scope)
    messages.update(subject="", body="", html_body="", recipient_email="erased@invalid")


@transaction.atomic
def application_anonymise(*, application, by=None, reason="") -> Application:
    """Erase an application's personal data (``by`` ``None``: the retention task)."""
    locked = Application.objects.select_for_update().select_related("group", "competition").get(pk=application.pk)
    if locked.anonymised_at:
        return locked
    members = [m.user_id for m in locked.group.memberships.all()]
    _erase_application_data(locked)
    _forget_mail(members, scope=locked.competition.outbox_scope)
    application_audit(locked, by, "application.anonymised", _("Personal data erased"), reason=reason)
    locked.refresh_from_db()
    return locked


def retention_due(now=None):
    """Finished applications whose programme's retention period has run out."""
    now = now or timezone.now()
    due = Application.objects.none()
    for programme in Programme.objects.filter(retention_days__isnull=False):
        due = due | Application.objects.filter(
            competition__programme=programme,
            status__in=FINISHED,
            anonymised_at__isnull=True,
            updated_at__lt=now - timedelta(days=programme.retention_days),
        )
    return due


def retention_sweep(now=None) -> int:
    """Anonymise every application past its programme's retention period. Returns how many."""
    count = 0
    for application in retention_due(now).order_by("pk"):
        application_anonymise(application=application, reason="retention period")
        count += 1
    return count


def _erase_group_identity(group, by, reason) -> None:
    members = [m.user_id for m in group.memberships.all()]
    for application in group.applications.all():
        if not application.anonymised_at:
            _erase_application_data(application)
            application_audit(application, by, "application.anonymised", _("Personal data erased"), reason=reason)
    _forget_mail(members)
    ApplicantGroup.objects.filter(pk=group.pk).update(
        name=_("Erased group %(code)s") % {"code": group.code_name},
        contact_email="erased@invalid",
        contact_phone="",
        registration_number="",
        description="",
        erased_at=timezone.now(),
    )
    group.memberships.all().delete()
    GroupInvitation.objects.filter(group=group).delete()
    audit_record(
        by=by,
        action="group.erased",
        message=_("Group erased on request"),
        label=group.code_name,
        data={
            "group": group.pk,
            "reason": reason,
        },
    )


@transaction.atomic
def group_erase(*, group, by, reason) -> ApplicantGroup:
    """Staff erase a group on its request: every application anonymised, the group's name and
    contacts gone, its members no longer members. Refused while a project is running."""
    require_staff(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say who asked for the erasure and how.")})
    locked = ApplicantGroup.objects.select_for_update().get(pk=group.pk)
    running = locked.applications.exclude(status__in=FINISHED).exclude(status=Application.Status.DRAFT)
    if running.exists():
        raise ValidationError(_("This group has applications in progress: finish or withdraw them first."))
    _erase_group_identity(locked, by, reason.strip())
    locked.refresh_from_db()
    return locked


@transaction.atomic
def group_member_leaves(*, user, group) -> None:
    """A person deletes their account: they leave the group; the last one out erases it."""
    if not group.memberships.filter(user=user).exists():
        raise PermissionDenied
    group.memberships.filter(user=user).delete()
    Application.objects.filter(group=group, created_by=user).update(created_by=None)
    if not group.memberships.exists():
        _erase_group_identity(group, None, "the last member deleted their account")


def on_account_erasing(sender, user, **kwargs) -> None:
    """``accounts.erasure.account_erasing``: the person leaves each group, then it is logged."""
    for membership in list(user.group_memberships.select_related("group")):
        group_member_leaves(user=user, group=membership.group)
    GroupInvitation.objects.filter(invited_by=user).update(invited_by=None)
    GroupInvitation.objects.filter(accepted_by=user).update(accepted_by=None)
    GroupInvitation.objects.filter(email__iexact=user.email).update(email="erased@invalid")
    OutboxMessage.objects.filter(recipient=user).update(
        subject="", body="", html_body="", recipient_email="erased@invalid"
    )
    audit_record(by=None, action="account.erased", message=_("A person deleted their account"), label=f"user {user.pk}")
