"""The call's outbox and change log come by page, in the same number of queries at any size."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
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
