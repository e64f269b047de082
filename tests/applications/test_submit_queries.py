"""Deadline day: a submit through the page runs a bounded number of queries and its checks once,
whatever the size of the group, of the budget and of the call."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from applications import submission
from applications.models import Application, BudgetLine
from notifications.models import OutboxMessage
from tests.applications.test_views import _post_data
from tests.factories import ApplicationFactory, member_of

pytestmark = pytest.mark.django_db(transaction=True)  # BEGIN and COMMIT are counted, as on a server


@pytest.mark.parametrize(("members", "lines", "others"), [(1, 1, 0), (6, 12, 40)])
def test_a_submit_runs_at_most_15_queries_and_its_checks_once(
    client, django_assert_max_num_queries, monkeypatch, members, lines, others
):
    draft = ApplicationFactory(lines=[(Decimal("1"), Decimal("1500.00") / lines)] * lines)
    draft.competition.eligible_regions.add(draft.region)
    ApplicationFactory.create_batch(
        others, competition=draft.competition, status=Application.Status.SUBMITTED, submitted_at=timezone.now()
    )
    people = [member_of(draft.group) for _ in range(members)]
    data = _post_data(draft)
    data.update({"lines-TOTAL_FORMS": str(lines), "lines-INITIAL_FORMS": str(lines)})
    for number, line in enumerate(BudgetLine.objects.filter(application=draft).order_by("pk")):
        BudgetLine.objects.filter(pk=line.pk).update(position=number)  # as the autosaves left them
        data.update(
            {
                f"lines-{number}-id": line.pk,
                f"lines-{number}-category": line.category,
                f"lines-{number}-description": line.description,
                f"lines-{number}-quantity": str(line.quantity),
                f"lines-{number}-unit_cost": str(line.unit_cost),
            }
        )
    sent = []
    monkeypatch.setattr("notifications.services.publish_send", sent.append)  # the worker's part
    checks = []
    real_checks = submission.submission_errors
    monkeypatch.setattr(
        "applications.services.submission_errors", lambda *a, **k: checks.append(1) or real_checks(*a, **k)
    )
    monkeypatch.setattr(
        "applications.models.submission_errors", lambda *a, **k: checks.append(1) or real_checks(*a, **k)
    )
    client.force_login(people[0])
    ContentType.objects.get_for_model(Application)  # cached for the life of a server process
    with django_assert_max_num_queries(15):
        response = client.post(reverse("applications:submit", kwargs={"pk": draft.pk}), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert len(draft.submitted_snapshot["budget_lines"]) == lines
    assert checks == [1]  # in the service only: the transition's guard reads its verdict
    messages = OutboxMessage.objects.filter(kind="application_submitted")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)
    assert sorted(sent) == sorted(messages.values_list("pk", flat=True))


def test_a_refused_submit_keeps_what_was_typed(client):
    draft = ApplicationFactory()
    member = member_of(draft.group)
    client.force_login(member)
    data = _post_data(draft, title="A new title", requested_amount="1400.00")  # lines add up to 1500
    response = client.post(reverse("applications:submit", kwargs={"pk": draft.pk}), data)
    assert response.status_code == 200 and "cannot be submitted yet" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert (draft.title, draft.requested_amount) == ("A new title", Decimal("1400.00"))
