"""When staff assign a mentor, the mentor and every member of the group get an e-mail, once per
mentor, in their language."""

import pytest
from django.core import mail

from notifications.models import OutboxMessage
from projects import mentoring
from tests.factories import UserFactory, funded_application, member_of, staff_user

pytestmark = pytest.mark.django_db


def test_the_mentor_and_the_group_are_told_once(django_capture_on_commit_callbacks):
    staff = staff_user()
    application = funded_application(staff=staff)
    members = [member_of(application.group), member_of(application.group)]
    mentor = UserFactory(roles=["mentor"], full_name="Mira Mentor")
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
        mentoring.mentor_assign(application=application, mentor=mentor, by=staff)  # saved again
    to_mentor = OutboxMessage.objects.get(kind="mentor_assigned")
    assert to_mentor.recipient == mentor and application.reference in to_mentor.subject
    assert "/mentoring/" in to_mentor.body and application.title in to_mentor.body
    to_group = OutboxMessage.objects.filter(kind__startswith="mentor_introduced")
    assert sorted(m.recipient_id for m in to_group) == sorted(m.pk for m in members)
    assert all("Mira Mentor" in m.body and f"/applications/{application.pk}/" in m.body for m in to_group)
    assert len(mail.outbox) == 3


def test_a_new_mentor_is_introduced_again(django_capture_on_commit_callbacks):
    staff = staff_user()
    application = funded_application(staff=staff)
    member_of(application.group)
    first, second = UserFactory(roles=["mentor"]), UserFactory(roles=["mentor"], full_name="Second Mentor")
    mentoring.mentor_assign(application=application, mentor=first, by=staff)
    mentoring.mentor_assign(application=application, mentor=second, by=staff)
    assert OutboxMessage.objects.filter(kind="mentor_assigned").count() == 2
    latest = OutboxMessage.objects.filter(kind__startswith="mentor_introduced").latest("pk")
    assert "Second Mentor" in latest.body
