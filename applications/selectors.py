"""Read queries for groups and applications, scoped to who asks. Never N+1."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django_fsm_log.models import StateLog

from accounts.rules import is_programme_staff

from .models import ApplicantGroup, Application, GroupMembership


def applications_visible_to(user):
    """Applications ``user`` may open: their groups' ones and the mini-projects they mentor; all of
    them for programme staff."""
    queryset = Application.objects.select_related("competition", "group", "region")
    if not user.is_authenticated:
        return queryset.none()
    if is_programme_staff(user):
        return queryset
    return queryset.filter(Q(group__memberships__user=user) | Q(mentor=user)).distinct()


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


def applicant_dashboard(user):
    """The user's groups, each with its applications, in a fixed number of queries."""
    applications = Application.objects.select_related("competition").order_by("-created_at")
    return groups_of(user).prefetch_related(Prefetch("applications", queryset=applications))


def application_timeline(application):
    """Every transition of ``application``: who, when, from, to and the comment."""
    return (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Application), object_id=application.pk)
        .select_related("by", "content_type")
        .order_by("timestamp", "pk")
    )


def application_for_page(queryset, pk):
    return queryset.prefetch_related(
        "budget_lines", Prefetch("attachments", queryset=application_files()), "tranches"
    ).get(pk=pk)


def application_files():
    """The application's own attachments (report photos and receipts are the report's)."""
    from .models import Attachment

    return Attachment.objects.filter(report__isnull=True)


def competition_applications(competition):
    return (
        competition.applications.exclude(status=Application.Status.DRAFT)
        .select_related("group", "region")
        .order_by("-submitted_at", "-pk")
    )
