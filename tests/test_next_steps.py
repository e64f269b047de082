"""A clear next step for every role: each lands on its own page after log-in, statuses have
colours of their own and plain next steps with dates, reviewers see how far they are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.status import BADGES
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    UserFactory,
    funded_application,
    in_pool,
    member_of,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        (["staff"], "projects:staff_dashboard"),
        (["reviewer"], "reviews:queue"),
        (["mentor"], "projects:mentor_dashboard"),
        (["applicant"], "applications:dashboard"),
        (["staff", "mentor"], "projects:staff_dashboard"),
    ],
)
def test_each_role_lands_on_its_own_page_after_log_in(client, roles, home):
    user = UserFactory(roles=roles)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse(home)


def test_a_logged_out_visit_to_a_staff_page_leads_to_log_in(client):
    url = reverse("projects:staff_dashboard")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('account_login')}?next={url}"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # logged in without the role: the page does not exist


def test_the_decided_statuses_have_colours_of_their_own():
    decided = [BADGES[s] for s in ("awarded", "rejected", "waitlisted", "in_review")]
    assert len(set(decided)) == len(decided)


def test_my_applications_shows_each_next_step_and_no_decision_time_as_last_saved(client):
    draft = ApplicationFactory()
    member = member_of(draft.group)
    awarded = funded_application(group=draft.group, staff=staff_user())
    submitted_at = timezone.now() - timedelta(days=20)
    type(awarded).objects.filter(pk=awarded.pk).update(submitted_at=submitted_at)
    client.force_login(member)
    html = client.get(reverse("applications:dashboard")).content.decode()
    assert "Finish and submit it before" in html
    report = awarded.reports.order_by("due_on").first()
    assert f"Next: {report.get_kind_display()}, due" in html and "sign the contract" in html
    assert "text-bg-success" in html and "text-bg-warning" in html
    # "Last saved" of the award is when the group submitted, not when staff decided.
    row = html.split(f">{awarded.reference}</a>", 1)[1].split("</tr>", 1)[0]
    assert timezone.localtime(submitted_at).strftime("%-d %b %Y, %H:%M") in row
    assert timezone.localtime(awarded.decided_at).strftime("%-d %b %Y, %H:%M") not in row


def test_the_application_page_tells_the_group_the_next_step(client):
    application = ApplicationFactory(status="submitted", submitted_at=timezone.now())
    client.force_login(member_of(application.group))
    html = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert 'id="next-step"' in html and "Staff check that it is eligible" in html


def test_the_reviewers_queue_shows_progress_and_the_next_due_date(client):
    reviewer = UserFactory(roles=["reviewer"])
    due = timezone.now() + timedelta(days=5)
    applications = [ApplicationFactory(status="in_review") for _ in range(3)]
    for application in applications:
        in_pool(application.competition, reviewer)
        application.competition.criteria.create(name="Quality", max_score=5)
    from reviews.models import Assignment

    for application in applications:
        Assignment.objects.create(application=application, reviewer=reviewer, due_at=due)
    submitted_review(applications[0], reviewer, [4])
    client.force_login(reviewer)
    html = client.get(reverse("reviews:queue")).content.decode()
    assert "1 of 3 reviews done." in html and "Next due:" in html
