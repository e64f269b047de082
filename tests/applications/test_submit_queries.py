"""Deadline day: a submit and an autosave through the page run a bounded number of queries (a
submit its checks once), whatever the size of the group, of the budget and of the call."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications import services, submission
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
    published = []  # what the worker would be given
    monkeypatch.setattr("notifications.services.publish_send", lambda *ids: published.append(ids))
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
    assert len(published) == 1  # one task, one broker round-trip for every member's e-mail
    assert sorted(published[0]) == sorted(messages.values_list("pk", flat=True))


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


@pytest.mark.parametrize(("members", "lines", "others"), [(1, 1, 0), (6, 12, 40)])
def test_an_autosave_runs_at_most_9_queries_one_locked_read_and_one_update(
    client, django_assert_max_num_queries, members, lines, others
):
    """Deadline day is mostly autosaves: the session, the user, the draft with its call, the call's
    regions, then in one transaction the draft locked (with the membership check), its UPDATE and
    its budget lines; the partial needs no context processor."""
    draft = ApplicationFactory(lines=[(Decimal("1"), Decimal("1500.00") / lines)] * lines)
    draft.competition.eligible_regions.add(draft.region)
    ApplicationFactory.create_batch(others, competition=draft.competition)
    people = [member_of(draft.group) for _ in range(members)]
    data = _post_data(draft, title="Typed just now")
    data.update({"lines-TOTAL_FORMS": str(lines), "lines-INITIAL_FORMS": str(lines)})
    for number, line in enumerate(BudgetLine.objects.filter(application=draft).order_by("pk")):
        BudgetLine.objects.filter(pk=line.pk).update(position=number)
        data.update(
            {
                f"lines-{number}-id": line.pk,
                f"lines-{number}-category": line.category,
                f"lines-{number}-description": line.description,
                f"lines-{number}-quantity": str(line.quantity),
                f"lines-{number}-unit_cost": str(line.unit_cost),
            }
        )
    client.force_login(people[-1])
    url = reverse("applications:autosave", kwargs={"pk": draft.pk})
    with django_assert_max_num_queries(9) as captured:
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Draft saved at" in response.content.decode()
    sql = [query["sql"] for query in captured.captured_queries]
    if connection.vendor == "postgresql":  # SQLite has no row locks: it writes no FOR UPDATE
        assert sum("FOR UPDATE" in q for q in sql) == 1
    assert sum(q.startswith('UPDATE "applications_application"') for q in sql) == 1
    draft.refresh_from_db()
    assert (draft.title, draft.draft_version) == ("Typed just now", 1)


def test_an_autosave_by_someone_outside_the_group_changes_nothing(client):
    draft = ApplicationFactory()
    outsider = member_of(ApplicationFactory().group)
    client.force_login(outsider)
    url = reverse("applications:autosave", kwargs={"pk": draft.pk})
    response = client.post(url, _post_data(draft, title="Not mine"), headers={"HX-Request": "true"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "Not mine" and draft.draft_version == 0


def test_the_draft_services_refuse_someone_outside_the_group_under_the_lock():
    """The view's 404 is the first gate; the service checks membership again, in its locked read."""
    draft = ApplicationFactory()
    outsider = member_of(ApplicationFactory().group)
    with pytest.raises(PermissionDenied):
        services.application_update_draft(application=draft, by=outsider, fields={"title": "Not mine"})
    with pytest.raises(PermissionDenied):
        services.application_update_draft(application=draft, by=AnonymousUser(), fields={"title": "Not mine"})
    member = member_of(draft.group)
    saved = services.application_update_draft(application=draft, by=member, fields={"title": "Mine"})
    assert (saved.title, saved.draft_version) == ("Mine", 1)
    draft.refresh_from_db()
    assert draft.title == "Mine"
