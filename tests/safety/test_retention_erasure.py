"""Retention and erasure: personal data goes (in every layer), figures stay, all of it logged,
and nothing erased comes back in a later export."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import services
from applications.erasure import group_erase, retention_due
from applications.models import ApplicantGroup, Application, Attachment
from applications.tasks import retention_sweep
from audit.models import AuditEntry
from grants.models import Indicator
from notifications.models import OutboxMessage
from projects import awards, mentoring, reports
from projects.models import CheckIn, GoodPractice, IndicatorValue, Report
from reviews.models import CriterionScore, Review
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CriterionFactory,
    GroupFactory,
    UserFactory,
    funded_application,
    in_pool,
    member_of,
    minimal_pdf,
    staff_user,
)

pytestmark = pytest.mark.django_db

GROUP = "Lantern Collective of Mazyr"
SECRETS = ("Night school in the basement", "We met at Olena's flat", "The printer on Lenin street", GROUP)


def _closed_project(days_ago, name=GROUP, title=SECRETS[0]):
    """A funded, reported and closed project with texts in every layer, last changed ``days_ago``."""
    staff = staff_user()
    application = funded_application(staff=staff, group=GroupFactory(name=name), title=title)
    application.competition.programme.retention_days = 365
    application.competition.programme.save()
    member = member_of(application.group)
    Indicator.objects.create(competition=application.competition, name="Participants")
    awards.tranches_set(application=application, by=staff, rows=[{"label": "All", "amount": Decimal("1000")}])
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    checkin = application.checkins.order_by("due_on").first()
    mentoring.checkin_record(
        checkin=checkin,
        by=mentor,
        held_on=timezone.localdate(),
        format="call",
        progress="on_track",
        notes=SECRETS[1],
        actions=SECRETS[2],
    )
    report = application.reports.get()
    reports.report_attachment_add(
        report=report, uploaded_file=SimpleUploadedFile("photo.pdf", minimal_pdf()), by=member
    )
    indicator = application.competition.indicators.get()
    reports.report_submit(
        report=report,
        by=member,
        narrative=SECRETS[1],
        results=SECRETS[2],
        indicators={indicator.pk: 120},
        spending={application.budget_lines.get().pk: Decimal("990.00")},
    )
    reports.report_accept(report=report, by=staff)
    reports.good_practice_mark(application=application, summary=SECRETS[2], by=staff)
    reviewer = in_pool(application.competition)
    criterion = CriterionFactory(competition=application.competition)
    from reviews.models import Assignment

    assignment = Assignment.objects.create(application=application, reviewer=reviewer)
    review = Review.objects.create(assignment=assignment, overall_comment=SECRETS[1], status="submitted")
    CriterionScore.objects.create(review=review, criterion=criterion, score=3, comment=SECRETS[2])
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.CLOSED, updated_at=timezone.now() - timedelta(days=days_ago)
    )
    application.refresh_from_db()
    return application, staff, member


def _everything_text(application) -> str:
    """All the text the database still holds about the application, in every layer."""
    application.refresh_from_db()
    parts = [application.title, application.summary, application.group.name, application.group.contact_email]
    parts += list(Report.objects.filter(application=application).values_list("narrative", "results"))
    parts += list(CheckIn.objects.filter(application=application).values_list("notes", "actions"))
    parts += list(Review.objects.filter(assignment__application=application).values_list("overall_comment", flat=True))
    parts += list(
        CriterionScore.objects.filter(review__assignment__application=application).values_list("comment", flat=True)
    )
    parts += list(GoodPractice.objects.filter(application=application).values_list("summary", flat=True))
    parts += list(OutboxMessage.objects.values_list("subject", "body"))
    parts += list(application.budget_lines.values_list("description", flat=True))
    return repr(parts)


def test_the_retention_task_anonymises_closed_applications_past_the_period(django_capture_on_commit_callbacks):
    application, staff, member = _closed_project(days_ago=400)
    recent, _staff, _member = _closed_project(days_ago=10, name="Recent group", title="Recent project")
    files = [(a.file.storage, a.file.name) for a in Attachment.objects.filter(application=application)]
    assert files and all(storage.exists(name) for storage, name in files)
    figures = (
        application.requested_amount,
        application.awarded_amount,
        application.planned_start,
        application.region_id,
    )
    indicator_values = list(
        IndicatorValue.objects.filter(report__application=application).values_list("value", flat=True)
    )
    assert list(retention_due()) == [application]

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_sweep.delay().get() == 1
    assert "retention-sweep" in settings.CELERY_BEAT_SCHEDULE

    application.refresh_from_db()
    assert application.anonymised_at is not None
    text = _everything_text(application)
    for secret in SECRETS[:3]:
        assert secret not in text
    assert not Attachment.objects.filter(application=application).exists()
    assert not any(storage.exists(name) for storage, name in files)
    # What reporting needs stays.
    assert (
        application.requested_amount,
        application.awarded_amount,
        application.planned_start,
        application.region_id,
    ) == figures
    assert (
        list(IndicatorValue.objects.filter(report__application=application).values_list("value", flat=True))
        == indicator_values
    )
    assert application.status == Application.Status.CLOSED
    assert AuditEntry.objects.filter(application_id=application.pk, action="application.anonymised").count() == 1
    # The other project is within its period: untouched. A second run changes nothing.
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.title == "Recent project"
    assert retention_sweep.delay().get() == 0


def test_without_a_retention_period_nothing_is_erased():
    application, _staff, _member = _closed_project(days_ago=4000)
    application.competition.programme.retention_days = None
    application.competition.programme.save()
    assert list(retention_due()) == []


def test_staff_erase_a_group_and_later_exports_hold_nothing_of_it(client, django_capture_on_commit_callbacks):
    application, staff, member = _closed_project(days_ago=1)
    group = application.group
    with pytest.raises(PermissionDenied):
        group_erase(group=group, by=member, reason="asked")
    client.force_login(staff)
    page = client.get(group.get_absolute_url()).content.decode()
    assert page.count('action="/staff/groups/') == 1
    assert "Erase" not in page.split("<title>")[1].split("</title>")[0]
    response = client.post(
        reverse("applications:staff_group_erase", kwargs={"pk": group.pk}),
        {"reason": "E-mail from the group's lead, 3 May", "confirm": "on"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.erased_at and GROUP not in group.name and group.contact_email == "erased@invalid"
    assert not group.memberships.exists()
    for secret in SECRETS:
        assert secret not in _everything_text(application)
    entry = AuditEntry.objects.get(action="group.erased")
    assert entry.actor == staff and entry.data["reason"] == "E-mail from the group's lead, 3 May"
    # Exports made after the erasure.
    call = application.competition
    Application.objects.filter(pk=application.pk).update(status=Application.Status.REVIEWED)
    csv = client.get(reverse("projects:staff_ranking", kwargs={"pk": call.pk}) + "?format=csv").content.decode()
    public = client.get(reverse("projects:good_practices", kwargs={"pk": call.programme_id})).content.decode()
    for secret in SECRETS:
        assert secret not in csv and secret not in public
    # The former member no longer reaches the application.
    client.force_login(member)
    assert client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code == 404


def test_a_group_with_an_application_in_progress_is_not_erased():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        group_erase(group=application.group, by=staff_user(), reason="asked by phone")
    assert not ApplicantGroup.objects.get(pk=application.group_id).erased_at


def _delete_account(client, user):
    client.force_login(user)
    return client.post(reverse("erase_my_account"), {"password": PASSWORD, "confirm": "on"})


def test_a_person_deletes_their_account_and_the_group_stays_with_the_others(client):
    draft = ApplicationFactory(summary="Our draft")
    leaving, staying = member_of(draft.group), member_of(draft.group)
    services.application_update_draft(application=draft, by=leaving, fields={"title": "Typed by the leaver"})
    email = leaving.email
    refused = client.post(reverse("erase_my_account"), {"password": "wrong", "confirm": "on"})
    assert refused.status_code == 302  # not logged in yet: sent to log in
    client.force_login(leaving)
    assert client.post(reverse("erase_my_account"), {"password": "wrong", "confirm": "on"}).status_code == 200
    assert User.objects.get(pk=leaving.pk).is_active
    assert _delete_account(client, leaving)["Location"] == reverse("grants:home")
    leaving.refresh_from_db()
    assert not leaving.is_active and email not in leaving.email and not leaving.has_usable_password()
    assert not leaving.group_memberships.exists()
    assert "_auth_user_id" not in client.session
    assert not client.login(username=email, password=PASSWORD)
    draft.refresh_from_db()
    assert draft.group.memberships.get().user == staying and draft.group.name and draft.summary == "Our draft"
    assert AuditEntry.objects.filter(action="account.erased").count() == 1


def test_the_last_member_leaving_erases_the_group(client):
    draft = ApplicationFactory(summary="Only I wrote this", group__name=GROUP)
    alone = member_of(draft.group)
    _delete_account(client, alone)
    draft.refresh_from_db()
    assert draft.group.erased_at and GROUP not in draft.group.name and draft.summary == ""
    assert draft.anonymised_at is not None
