"""Questions back to the group: staff ask about a submitted application, the page shows it waits
for an answer, a member answers in the app; the thread is read by staff, the group and reviewers
(never with names), each message is e-mailed through the outbox (questions in the group's
language) and logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from applications.clarifications import clarification_answer, clarification_ask
from applications.models import Application
from audit.models import AuditEntry
from notifications.models import OutboxMessage
from reviews.models import Assignment
from tests.factories import ApplicationFactory, UserFactory, in_pool, member_of, reviewer_user, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    application = ApplicationFactory(status=Application.Status.SUBMITTED, reference="SG-2027-0042")
    application.group.language = "uk"
    application.group.save()
    return application


def test_staff_ask_the_group_answers_and_each_message_is_mailed_and_logged(client, submitted):
    staff = staff_user(full_name="Olena Staff")
    member = member_of(submitted.group, user=UserFactory(language="en"))
    client.force_login(staff)
    response = client.post(
        reverse("applications:staff_clarification_ask", kwargs={"pk": submitted.pk}),
        {"body": "Who owns the yard?"},
    )
    assert response.status_code == 302
    question_mail = OutboxMessage.objects.get(recipient_email=member.email)
    with translation.override("uk"):
        from django.template.loader import render_to_string

        subject = render_to_string(
            "applications/email/clarification_question_subject.txt", {"application": submitted}
        ).strip()
    assert question_mail.subject == subject and "Who owns the yard?" in question_mail.body

    client.force_login(member)
    page = client.get(reverse("applications:detail", kwargs={"pk": submitted.pk})).content.decode()
    assert "Waiting for the group" in page and "Who owns the yard?" in page
    assert 'name="body"' in page and "Olena Staff" not in page
    client.post(reverse("applications:clarification_answer", kwargs={"pk": submitted.pk}), {"body": "The city."})
    page = client.get(reverse("applications:detail", kwargs={"pk": submitted.pk})).content.decode()
    assert "The city." in page and "Waiting for the group" not in page
    answer_mail = OutboxMessage.objects.get(recipient_email=staff.email)
    assert "The city." in answer_mail.body
    actions = set(AuditEntry.objects.filter(application_id=submitted.pk).values_list("action", flat=True))
    assert {"application.clarification_asked", "application.clarification_answered"} <= actions


def test_only_staff_ask_only_members_answer_and_only_when_asked(submitted):
    member = member_of(submitted.group)
    with pytest.raises(PermissionDenied):
        clarification_ask(application=submitted, by=member, body="?")
    with pytest.raises(ValidationError, match="no question waiting"):
        clarification_answer(application=submitted, by=member, body="Unasked")
    clarification_ask(application=submitted, by=staff_user(), body="Who?")
    with pytest.raises(PermissionDenied):
        clarification_answer(application=submitted, by=UserFactory(), body="Not mine")
    with pytest.raises(ValidationError, match="Write a message first."):
        clarification_answer(application=submitted, by=member, body="   ")
    draft = ApplicationFactory()
    with pytest.raises(ValidationError, match="only about a submitted application"):
        clarification_ask(application=draft, by=staff_user(), body="Too early")


def test_a_reviewer_of_a_blind_call_reads_the_answers_without_names(client, submitted):
    staff = staff_user(full_name="Olena Staff")
    member = member_of(submitted.group, user=UserFactory(full_name="Ivan Member"))
    clarification_ask(application=submitted, by=staff, body="Who owns the yard?")
    clarification_answer(application=submitted, by=member, body="The city owns it.")
    call = submitted.competition
    call.blind_review = True
    call.save()
    Application.objects.filter(pk=submitted.pk).update(status=Application.Status.IN_REVIEW)
    reviewer = reviewer_user()
    in_pool(call, reviewer)
    assignment = Assignment.objects.create(application=submitted, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).content.decode()
    assert "The city owns it." in html and "The group answered" in html
    assert "Ivan Member" not in html and "Olena Staff" not in html
    assert "Send the answer" not in html and "Send the question" not in html
