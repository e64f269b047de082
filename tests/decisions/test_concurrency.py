"""Two staff members award at the same moment on PostgreSQL: only the award that fits succeeds."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from applications.models import Application
from projects import awards
from projects.selectors import committed_amount
from tests.factories import ApplicationFactory, CompetitionFactory, staff_user


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_concurrent_awards_never_overspend_the_pool(on_postgres):
    call = CompetitionFactory(budget_pool=Decimal("5000"))
    applications = [
        ApplicationFactory(
            competition=call, status="reviewed", requested_amount=Decimal("3000"), lines=[(1, Decimal("3000"))]
        )
        for _ in range(2)
    ]
    staff = [staff_user(), staff_user()]
    barrier = threading.Barrier(2)
    outcomes = []

    def award(application, person):
        try:
            barrier.wait(timeout=10)
            awards.award_decide(application=application, amount=Decimal("3000"), by=person)
            outcomes.append("awarded")
        except Exception as error:  # noqa: BLE001 - the refusal is the expected outcome of one thread
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=pair) for pair in zip(applications, staff, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ValidationError", "awarded"]
    assert committed_amount(call) == Decimal("3000.00")
    assert Application.objects.filter(competition=call, status="awarded").count() == 1
