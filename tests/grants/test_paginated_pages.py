"""The call's outbox and change log come by page, in the same number of queries at any size."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from grants.views_public import CLOSED_PAGE_SIZE
from grants.views_staff import LOG_PAGE_SIZE
from notifications.models import OutboxMessage
from tests.factories import CompetitionFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 120])
def test_the_outbox_and_the_change_log_are_paginated_in_constant_queries(client, django_assert_max_num_queries, count):
    call = CompetitionFactory()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient_email=f"person{i}@example.org",
                kind="application_submitted",
                dedupe_key=f"test:{i}",
                subject=f"Message number {i}",
                body="Body.",
                scope=call.outbox_scope,
            )
            for i in range(count)
        ]
    )
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="call.changed", message=f"Change number {i}", call_id=call.pk) for i in range(count)]
    )
    client.force_login(staff_user())
    with django_assert_max_num_queries(8):
        outbox = client.get(reverse("grants:staff_outbox", kwargs={"pk": call.pk})).content.decode()
    assert outbox.count("person") == min(count, 50)
    assert ("Page 1 of 3" in outbox) == (count == 120)
    with django_assert_max_num_queries(8):
        log = client.get(reverse("grants:staff_call_log", kwargs={"pk": call.pk})).content.decode()
    assert log.count("Change number") == min(count, LOG_PAGE_SIZE)


@pytest.mark.parametrize("count", [3, 60])
def test_the_closed_calls_come_a_page_at_a_time_after_the_current_ones(client, django_assert_max_num_queries, count):
    """Closed calls pile up year after year; the calls open now and opening soon are all shown."""
    now = timezone.now()
    for number in range(count):
        closes = now - timedelta(days=number + 1)
        CompetitionFactory(
            title=f"Past call {number:03}", opens_at=closes - timedelta(days=30), closes_at=closes, is_published=True
        )
    CompetitionFactory(title="Open call", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    CompetitionFactory(title="Coming call", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=40))
    CompetitionFactory(title="Rolling call", kind="rolling", opens_at=now - timedelta(days=3), closes_at=None)
    url = reverse("grants:call_list")
    with django_assert_max_num_queries(5):
        html = client.get(url).content.decode()
    assert "Open call" in html and "Rolling call" in html and "Coming call" in html
    closed_part = html.split('id="closed-heading"')[1]
    assert closed_part.count("Past call") == min(count, CLOSED_PAGE_SIZE)
    assert "Past call 000" in closed_part  # the latest closed first
    assert "Open call" not in closed_part and "Coming call" not in closed_part
    if count > CLOSED_PAGE_SIZE:
        assert "Page 1 of 3" in closed_part
        last = client.get(url, {"page": 3}).content.decode()
        assert f"Past call {count - 1:03}" in last and "Past call 000" not in last
        assert "Open call" in last  # the current calls stay on every page
