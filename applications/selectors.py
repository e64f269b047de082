"""Read queries for groups and applications, scoped to who asks. Never N+1."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django_fsm_log.models import StateLog

from accounts.rules import is_programme_staff
from audit.actions import action as audit_action
from audit.selectors import audit_for_application

from .models import ApplicantGroup, Application, Attachment, GroupMembership


def applications_visible_to(user):
    """Applications ``user`` may open: their groups' ones and the mini-projects they mentor; all of
    them for programme staff."""
    queryset = Application.objects.select_related("competition", "group", "region")
    if not user.is_authenticated:
        return queryset.none()
    if is_programme_staff(user):
        return queryset
    # EXISTS rather than a join made DISTINCT: PostgreSQL then looks one application up by its id
    # when this is a subquery (an attachment's download: 6.7 ms -> 0.07 ms at 10,000 applications).
    member = GroupMembership.objects.filter(group_id=OuterRef("group_id"), user_id=user.pk)
    return queryset.filter(Exists(member) | Q(mentor=user))


def member_applications(user):
    """The applications of ``user``'s own groups: what they may change (no join to mentors, so no
    DISTINCT: a user is a member of a group once)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(group__memberships__user=user)


def groups_of(user):
    if not user.is_authenticated:
        return ApplicantGroup.objects.none()
    return ApplicantGroup.objects.filter(memberships__user=user).select_related("region")


def groups_visible_to(user):
    if is_programme_staff(user):
        return ApplicantGroup.objects.select_related("region")
    return groups_of(user)


def group_with_members(group_queryset, pk):
    members = GroupMembership.objects.select_related("user").order_by("role", "joined_at")
    return group_queryset.prefetch_related(Prefetch("memberships", queryset=members), "invitations").get(pk=pk)


DASHBOARD_LATEST = 10  # applications of each group on the dashboard; the group's page lists them all


def applicant_dashboard(user):
    """The user's groups, each with its latest applications (``latest_applications``) and how many
    it has (``application_count``), in a fixed number of queries whatever a group's history."""
    latest = Application.objects.select_related("competition").order_by("-created_at", "-pk")[:DASHBOARD_LATEST]
    return (
        groups_of(user)
        .annotate(application_count=Count("applications", distinct=True))
        .prefetch_related(Prefetch("applications", queryset=latest, to_attr="latest_applications"))
        .order_by("name", "pk")
    )


def group_applications(group):
    """Every application of the group, the newest first: its page lists them a page at a time."""
    return group.applications.select_related("competition").order_by("-created_at", "-pk")


# Transitions whose comment the group reads; other comments (a waitlisting note, say) are internal.
SHARED_TRANSITIONS = ("screen_out", "reject", "withdraw", "award", "request_changes", "close")


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    title: str
    by: object
    description: str
    shared: bool


def application_timeline(application, viewer) -> list[TimelineEntry]:
    """Every transition of ``application`` and every audited staff change of it, oldest first, as
    ``viewer`` (``pages.Viewer``) may see them: staff see everything; others see the transitions and
    the changes declared as shared with the group. Two queries."""
    transitions = (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Application), object_id=application.pk)
        .select_related("by")
        .order_by("timestamp", "pk")
    )
    entries = [
        TimelineEntry(
            when=log.timestamp,
            title=log.get_state_display(),
            by=log.by,
            description=log.description or "",
            shared=log.transition in SHARED_TRANSITIONS,
        )
        for log in transitions
    ]
    for entry in audit_for_application(application.pk).order_by("at", "pk"):
        declared = audit_action(entry.action)
        if viewer.is_staff or declared.shared_with_group:
            entries.append(
                TimelineEntry(
                    when=entry.at,
                    title=str(declared.title),
                    by=entry.actor,
                    description=entry.message,
                    shared=declared.shared_with_group,
                )
            )
    return sorted(entries, key=lambda e: e.when)


def application_for_page(queryset, pk):
    return queryset.prefetch_related("budget_lines", Prefetch("attachments", queryset=application_files())).get(pk=pk)


def application_files():
    """The application's own attachments (report photos and receipts are the report's)."""
    return Attachment.objects.filter(purpose=Attachment.Purpose.APPLICATION)


# What a list of applications never shows: the texts and the answers, often kilobytes a row.
LONG_FIELDS = (
    "summary",
    "problem",
    "activities",
    "expected_results",
    "beneficiaries",
    "award_conditions",
    "decision_feedback",
    "submitted_snapshot",
    "form_answers",
    "eligibility_answers",
)


def competition_applications(competition):
    return (
        competition.applications.exclude(status=Application.Status.DRAFT)
        .select_related("group", "region")
        .defer(*LONG_FIELDS)
        .order_by("-submitted_at", "-pk")
    )


def members_by_application(application_ids) -> dict[int, list]:
    """``{application_id: [users of its group]}`` in two queries, whatever the number of ids."""
    by_group = defaultdict(list)
    memberships = GroupMembership.objects.filter(group__applications__in=application_ids).select_related("user")
    for membership in memberships.distinct():
        by_group[membership.group_id].append(membership.user)
    groups = Application.objects.filter(pk__in=application_ids).values_list("pk", "group_id")
    return defaultdict(list, {application_id: by_group[group_id] for application_id, group_id in groups})
