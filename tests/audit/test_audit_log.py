"""One audit log for every staff change that is not a transition: written in the change's own
transaction, read by staff per call (the change log page) and per application (the timeline),
and never showing a reviewer's name to the group."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record
from projects import awards, mentoring
from reviews import services as review_services
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    funded_application,
    in_pool,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(by=None, action="x.y", message="outside")
    assert not AuditEntry.objects.exists()


def test_an_entry_is_rolled_back_with_the_change_it_records():
    staff = staff_user()
    application = funded_application(staff=staff)
    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        mentoring.mentor_assign(application=application, mentor=UserFactory(roles=["mentor"]), by=staff)
        1 / 0  # noqa: B018 - the caller's transaction fails after the change
    application.refresh_from_db()
    assert application.mentor is None and AuditEntry.objects.count() == before


def test_staff_changes_are_logged_with_who_and_what():
    staff = staff_user()
    application = funded_application(staff=staff, amount=Decimal("900"))
    awards.tranches_set(application=application, rows=[{"label": "At once", "amount": Decimal("900")}], by=staff)
    mentor = UserFactory(roles=["mentor"], full_name="Mira Mentor")
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    actions = list(
        AuditEntry.objects.filter(application_id=application.pk).order_by("pk").values_list("action", "actor_id")
    )
    assert actions == [("tranches.set", staff.pk), ("mentor.assigned", staff.pk)]
    entry = AuditEntry.objects.get(action="mentor.assigned")
    assert "Mira Mentor" in entry.message and entry.call_id == application.competition_id


def test_call_edits_are_logged_with_the_changed_fields(client):
    staff = staff_user()
    application = funded_application(staff=staff)
    call = application.competition
    from grants.forms import CompetitionForm

    data = {f: getattr(call, f) for f in CompetitionForm.Meta.fields if f not in ("eligible_regions", "programme")}
    data.update(programme=call.programme_id, title="A renamed call")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["opens_at"] = call.opens_at.strftime("%Y-%m-%dT%H:%M")
    data["closes_at"] = call.closes_at.strftime("%Y-%m-%dT%H:%M")
    for prefix in ("criteria", "indicators", "eligibility"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    client.force_login(staff)
    response = client.post(reverse("grants:staff_call_edit", kwargs={"pk": call.pk}), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="call.changed", call_id=call.pk)
    assert entry.actor == staff and "title" in entry.data["fields"] and "title" in entry.message
    assert "budget_pool" not in entry.data["fields"]

    page = client.get(reverse("grants:staff_call_log", kwargs={"pk": call.pk}))
    assert page.status_code == 200 and "Call changed:" in page.content.decode()


def test_the_change_log_is_for_staff_only(client):
    application = ApplicationFactory()
    url = reverse("grants:staff_call_log", kwargs={"pk": application.competition_id})
    for user in (member_of(application.group), UserFactory(roles=["reviewer"]), UserFactory(roles=["mentor"])):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_group_never_reads_who_reviews_it_on_the_timeline(client):
    staff = staff_user()
    application = ApplicationFactory(status="submitted", screened_at="2026-01-01T00:00Z")
    reviewer = in_pool(application.competition, UserFactory(roles=["reviewer"], full_name="Rita Secret-Reviewer"))
    review_services.assignment_create(application=application, reviewer=reviewer, by=staff)
    url = reverse("applications:detail", kwargs={"pk": application.pk})
    client.force_login(staff)
    assert "Rita Secret-Reviewer" in client.get(url).content.decode()
    client.force_login(member_of(application.group))
    page = client.get(url).content.decode()
    assert page.count("In review") >= 1 and "Rita Secret-Reviewer" not in page and "Reviewer assigned" not in page
