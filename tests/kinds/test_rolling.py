"""Rolling calls: open with no deadline; staff set cut-off dates (audited); each application joins
the round of the first cut-off at or after its submission; each round is ranked on its own with
its funding line against what earlier rounds left of the pool."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from audit.models import AuditEntry
from grants import services as grant_services
from grants.models import CallCutoff, Competition
from projects import awards
from projects.selectors import round_pool_left
from reviews.selectors import ranking
from tests.factories import ApplicationFactory, CompetitionFactory, CriterionFactory, member_of, staff_user
from tests.grants.test_call_form import _data

pytestmark = pytest.mark.django_db
S = Application.Status


def rolling_call(**kwargs):
    return CompetitionFactory(**{"kind": "rolling", "closes_at": None, **kwargs})


def cutoff(call, days):
    return CallCutoff.objects.create(competition=call, at=timezone.now() + timedelta(days=days))


def submit(call, amount="1500", at=None):
    draft = ApplicationFactory(competition=call, requested_amount=Decimal(amount), lines=[(1, Decimal(amount))])
    return application_services.application_submit(application=draft, by=member_of(draft.group), now=at)


def test_a_rolling_call_without_deadline_is_open_and_listed(client):
    call = rolling_call()
    assert call.is_open()
    page = client.get(reverse("grants:call_list")).content.decode()
    assert call.title in page and "applications are welcome all year" in page
    detail = client.get(call.get_absolute_url()).content.decode()
    assert "reviewed in rounds" in detail


def test_an_application_joins_the_round_of_the_next_cut_off():
    call = rolling_call()
    first, second = cutoff(call, 3), cutoff(call, 10)
    assert submit(call).cutoff == first
    assert submit(call, at=timezone.now() + timedelta(days=5)).cutoff == second
    assert submit(call, at=timezone.now() + timedelta(days=11)).cutoff is None  # waits for a later cut-off
    assert submit(CompetitionFactory()).cutoff is None  # other kinds have no rounds


def test_staff_add_and_remove_cut_offs_audited():
    call, staff = rolling_call(), staff_user()
    waiting = submit(call)
    added = grant_services.cutoff_add(competition=call, at=timezone.now() + timedelta(days=2), by=staff)
    waiting.refresh_from_db()
    assert waiting.cutoff == added  # the waiting request joins the new round
    later = grant_services.cutoff_add(competition=call, at=timezone.now() + timedelta(days=9), by=staff)
    grant_services.cutoff_remove(cutoff=later, by=staff)
    with pytest.raises(ValidationError):
        grant_services.cutoff_remove(cutoff=added, by=staff)  # a round with applications stays
    actions = list(AuditEntry.objects.filter(call_id=call.pk).values_list("action", flat=True))
    assert sorted(actions) == ["call.cutoff_added", "call.cutoff_added", "call.cutoff_removed"]


def test_cut_offs_are_refused_in_the_past_and_for_other_kinds():
    staff = staff_user()
    with pytest.raises(ValidationError) as past:
        grant_services.cutoff_add(competition=rolling_call(), at=timezone.now() - timedelta(hours=1), by=staff)
    assert "future" in str(past.value)
    with pytest.raises(ValidationError):
        grant_services.cutoff_add(competition=CompetitionFactory(), at=timezone.now() + timedelta(days=1), by=staff)


def test_each_round_is_ranked_against_what_earlier_rounds_left():
    call = rolling_call(budget_pool=Decimal("4000"))
    staff = staff_user()
    first, second = cutoff(call, 1), cutoff(call, 8)
    early = submit(call, "3000")
    late = [submit(call, amount, at=timezone.now() + timedelta(days=4)) for amount in ("800", "700")]
    Application.objects.filter(pk__in=[early.pk, *(a.pk for a in late)]).update(status=S.REVIEWED)
    awards.award_decide(application=early, amount=Decimal("3000"), by=staff)
    assert round_pool_left(call, first) == Decimal("4000")
    assert round_pool_left(call, second) == Decimal("1000")
    rows = list(ranking(call, cutoff=second, pool=round_pool_left(call, second), sort="reference"))
    assert [r.pk for r in rows] == [a.pk for a in late]
    assert [r.within_budget for r in rows] == [True, False]
    # The stored ranking numbers and sums each round on its own: round 2 starts at 800, not 3,800.
    assert [r.cumulative for r in rows] == [Decimal("800.00"), Decimal("1500.00")]
    assert ranking(call, cutoff=first).count() == 1 and ranking(call, cutoff=second).count() == 2
    assert [r.pk for r in ranking(call, cutoff=first)] == [early.pk]


def test_the_ranking_page_shows_one_round_with_a_selector(client, django_assert_max_num_queries):
    call = rolling_call(budget_pool=Decimal("4000"))
    CriterionFactory(competition=call)
    first, second = cutoff(call, 1), cutoff(call, 8)
    early = submit(call, "3000")
    late = submit(call, "800", at=timezone.now() + timedelta(days=4))
    Application.objects.filter(pk__in=[early.pk, late.pk]).update(status=S.REVIEWED)
    client.force_login(staff_user())
    url = reverse("projects:staff_ranking", kwargs={"pk": call.pk})
    with django_assert_max_num_queries(20):
        page = client.get(url, {"round": second.pk}).content.decode()
    assert late.reference in page and early.reference not in page
    assert 'id="round"' in page and f'value="{second.pk}" selected' in page
    page = client.get(url, {"round": first.pk}).content.decode()
    assert early.reference in page and late.reference not in page
    csv = client.get(url, {"round": second.pk, "format": "csv"}).content.decode()
    assert late.reference in csv and early.reference not in csv


def test_the_cut_off_page_adds_and_removes(client):
    call = rolling_call()
    client.force_login(staff_user())
    url = reverse("grants:staff_call_cutoffs", kwargs={"pk": call.pk})
    when = (timezone.now() + timedelta(days=3)).astimezone(call.tzinfo).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"at": when}).status_code == 302
    added = call.cutoffs.get()
    assert added.at.astimezone(call.tzinfo).strftime("%Y-%m-%dT%H:%M") == when
    refused = client.post(url, {"at": "2001-01-01T10:00"})
    assert refused.status_code == 200 and "must be in the future" in refused.content.decode()
    remove = reverse("grants:staff_cutoff_remove", kwargs={"pk": added.pk})
    assert client.post(remove).status_code == 302
    assert not call.cutoffs.exists()


def test_the_call_form_requires_a_deadline_only_for_fixed_and_two_stage_calls(client):
    client.force_login(staff_user())
    url = reverse("grants:staff_call_create")
    refused = client.post(url, {**_data(title="Fixed", slug="fixed", kind="fixed"), "closes_at": ""})
    assert refused.status_code == 200 and "needs a deadline" in refused.content.decode()
    response = client.post(url, {**_data(title="Rolling", slug="rolling", kind="rolling"), "closes_at": ""})
    assert response.status_code == 302


def test_an_emergency_call_is_created_confidential(client):
    client.force_login(staff_user())
    data = {**_data(title="Crisis", slug="crisis", kind="emergency"), "closes_at": ""}
    data.pop("confidential", None)
    assert client.post(reverse("grants:staff_call_create"), data).status_code == 302
    call = Competition.objects.get(slug="crisis")
    assert call.confidential and call.closes_at is None and call.decision_days == 5
