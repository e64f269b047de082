"""Decision pages: who may use them, and what staff and applicants see."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from projects import awards
from projects.models import AwardProposal, PaymentTranche
from tests.factories import ApplicationFactory, CompetitionFactory, GroupFactory, UserFactory, member_of, staff_user

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def world():
    call = CompetitionFactory(budget_pool=Decimal("10000"), award_confirmation_threshold=Decimal("5000"))
    awarded = ApplicationFactory(
        competition=call, status=S.REVIEWED, requested_amount=Decimal("2000"), lines=[(1, Decimal("2000"))]
    )
    staff = staff_user()
    awards.award_decide(application=awarded, amount=Decimal("2000"), by=staff)
    (tranche,) = awards.tranches_set(application=awarded, rows=[{"label": "All", "amount": Decimal("2000")}], by=staff)
    reviewed = ApplicationFactory(
        competition=call, status=S.REVIEWED, requested_amount=Decimal("6000"), lines=[(1, Decimal("6000"))]
    )
    proposal = awards.award_decide(application=reviewed, amount=Decimal("6000"), by=staff)
    other_group_member = member_of(GroupFactory())
    return {
        "call": call,
        "awarded": awarded,
        "reviewed": reviewed,
        "proposal": proposal,
        "tranche": tranche,
        "people": {
            "member": member_of(awarded.group),
            "other_applicant": other_group_member,
            "reviewer": UserFactory(roles=["reviewer"]),
            "mentor": UserFactory(roles=["mentor"]),
            "staff": staff_user(),
            "anonymous": None,
        },
    }


def _urls(w):
    return {
        "decide": ("get", reverse("projects:staff_decide", kwargs={"pk": w["reviewed"].pk}), {}),
        "decide_post": (
            "post",
            reverse("projects:staff_decide", kwargs={"pk": w["reviewed"].pk}),
            {"action": "reject", "reject-feedback": "No."},
        ),
        "confirm": (
            "post",
            reverse("projects:staff_proposal", kwargs={"pk": w["proposal"].pk, "verdict": "confirm"}),
            {},
        ),
        "tranche_paid": (
            "post",
            reverse("projects:staff_tranche_paid", kwargs={"pk": w["tranche"].pk}),
            {"paid_on": timezone.localdate().isoformat()},
        ),
        "bulk": (
            "post",
            reverse("projects:staff_bulk_decide", kwargs={"pk": w["call"].pk}),
            {"action": "waitlist", "applications": [w["reviewed"].pk]},
        ),
    }


def _state():
    return (
        list(Application.objects.order_by("pk").values_list("status", "awarded_amount")),
        list(PaymentTranche.objects.values_list("paid_on", flat=True)),
        list(AwardProposal.objects.values_list("status", flat=True)),
    )


@pytest.mark.parametrize("who", ["member", "other_applicant", "reviewer", "mentor", "anonymous"])
@pytest.mark.parametrize("name", ["decide", "decide_post", "confirm", "tranche_paid", "bulk"])
def test_decision_urls_do_not_exist_for_anyone_but_staff(client, world, who, name):
    if world["people"][who]:
        client.force_login(world["people"][who])
    method, url, data = _urls(world)[name]
    before = _state()
    response = getattr(client, method)(url, data)
    if who == "anonymous":  # a logged-out visit to a staff page leads to the log-in page
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("who", ["other_applicant", "reviewer", "mentor", "anonymous"])
def test_another_groups_letter_is_a_404(client, world, who):
    if world["people"][who]:
        client.force_login(world["people"][who])
    assert client.get(reverse("projects:award_letter", kwargs={"pk": world["awarded"].pk})).status_code == 404


def test_the_group_and_staff_download_the_letter_only_once_awarded(client, world):
    for who in ("member", "staff"):
        client.force_login(world["people"][who])
        response = client.get(reverse("projects:award_letter", kwargs={"pk": world["awarded"].pk}))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert (
            response["Content-Disposition"] == f'attachment; filename="award-letter-{world["awarded"].reference}.pdf"'
        )
    assert client.get(reverse("projects:award_letter", kwargs={"pk": world["reviewed"].pk})).status_code == 404


def test_the_applicant_sees_the_decision_amount_conditions_schedule_and_letter(client, world):
    client.force_login(world["people"]["member"])
    html = client.get(reverse("applications:detail", kwargs={"pk": world["awarded"].pk})).content.decode()
    assert "Awarded: <strong>2,000.00\xa0EUR</strong>" in html
    assert reverse("projects:award_letter", kwargs={"pk": world["awarded"].pk}) in html
    assert "All" in html and "Payment schedule" in html


def test_staff_decide_through_the_page(client, world):
    client.force_login(world["people"]["staff"])
    url = reverse("projects:staff_decide", kwargs={"pk": world["reviewed"].pk})
    page = client.get(url).content.decode()
    assert "Award waiting for confirmation" in page and "Confirm the award" in page
    # A second staff member confirms the proposal.
    client.post(reverse("projects:staff_proposal", kwargs={"pk": world["proposal"].pk, "verdict": "confirm"}))
    world["reviewed"].refresh_from_db()
    assert world["reviewed"].status == S.AWARDED


def test_an_award_above_the_request_is_an_error_on_the_field(client, world):
    third = ApplicationFactory(
        competition=world["call"], status=S.REVIEWED, requested_amount=Decimal("1000"), lines=[(1, Decimal("1000"))]
    )
    client.force_login(world["people"]["staff"])
    response = client.post(
        reverse("projects:staff_decide", kwargs={"pk": third.pk}), {"action": "award", "award-amount": "1000.01"}
    )
    assert response.status_code == 200
    assert "The award cannot exceed the requested 1,000.00" in response.content.decode()
    third.refresh_from_db()
    assert third.status == S.REVIEWED


def test_tranches_that_do_not_sum_are_refused_on_the_page(client, world):
    client.force_login(world["people"]["staff"])
    response = client.post(
        reverse("projects:staff_decide", kwargs={"pk": world["awarded"].pk}),
        {
            "action": "tranches",
            "tranches-TOTAL_FORMS": "2",
            "tranches-INITIAL_FORMS": "0",
            "tranches-MIN_NUM_FORMS": "1",
            "tranches-MAX_NUM_FORMS": "1000",
            "tranches-0-label": "First",
            "tranches-0-amount": "1000",
            "tranches-1-label": "Second",
            "tranches-1-amount": "500",
        },
        follow=True,
    )
    assert "add up to 1,500.00" in response.content.decode()
    assert list(PaymentTranche.objects.values_list("label", flat=True)) == ["All"]


def test_bulk_decisions_go_down_the_ranking(client, world):
    call = world["call"]
    one = ApplicationFactory(
        competition=call, status=S.REVIEWED, requested_amount=Decimal("1000"), lines=[(1, Decimal("1000"))]
    )
    two = ApplicationFactory(
        competition=call, status=S.REVIEWED, requested_amount=Decimal("1500"), lines=[(1, Decimal("1500"))]
    )
    client.force_login(world["people"]["staff"])
    url = reverse("projects:staff_bulk_decide", kwargs={"pk": call.pk})
    no_feedback = client.post(url, {"action": "reject", "applications": [one.pk]}, follow=True)
    assert "Write the feedback" in no_feedback.content.decode()
    response = client.post(url, {"action": "award", "applications": [one.pk, two.pk]}, follow=True)
    assert "2 decisions recorded." in response.content.decode()
    assert set(Application.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)) == {S.AWARDED}


def test_staff_dashboard_shows_money_per_currency(client, world):
    CompetitionFactory(currency="PLN", budget_pool=Decimal("50000"))
    client.force_login(world["people"]["staff"])
    html = client.get(reverse("projects:staff_dashboard")).content.decode()
    assert "50,000.00\xa0PLN" in html and "2,000.00\xa0EUR" in html
