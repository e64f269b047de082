"""Decisions after review: awards within the pool, the four-eyes rule, waitlist, rejection, tranches."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm_log.models import StateLog
from pypdf import PdfReader

from applications import services as application_services
from applications.models import Application
from audit.models import AuditEntry
from projects import awards, decisions
from projects import selectors as project_selectors
from projects.letters import award_letter_pdf
from projects.models import AwardProposal, PaymentTranche
from projects.selectors import committed_amount
from reviews import services as review_services
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    member_of,
    reviewer_user,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def staff():
    return staff_user()


def _reviewed(call, amount, **kwargs):
    return ApplicationFactory(
        competition=call, status=S.REVIEWED, requested_amount=Decimal(amount), lines=[(1, Decimal(amount))], **kwargs
    )


def test_award_defaults_and_limits(staff, django_capture_on_commit_callbacks):
    call = CompetitionFactory(budget_pool=Decimal("5000"))
    application = _reviewed(call, "3000", group__language="pl")
    member = member_of(application.group)
    with pytest.raises(ValidationError) as above:
        awards.award_decide(application=application, amount=Decimal("3000.01"), by=staff)
    assert "cannot exceed the requested 3,000.00" in str(above.value)
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_decide(application=application, amount=Decimal("2500"), by=staff, conditions="Report by June.")
    application.refresh_from_db()
    assert (application.status, application.awarded_amount, application.award_conditions) == (
        S.AWARDED,
        Decimal("2500.00"),
        "Report by June.",
    )
    # The decision e-mail goes to every member in the group's language (Polish here).
    assert mail.outbox[0].to == [member.email] and mail.outbox[0].subject.startswith("Przyznano grant")
    log = StateLog.objects.get(object_id=application.pk, transition="award")
    assert log.by == staff and "2,500.00" in log.description


def test_the_pool_is_never_overspent_and_a_withdrawal_returns_money(staff):
    call = CompetitionFactory(budget_pool=Decimal("5000"))
    first, second = _reviewed(call, "3000"), _reviewed(call, "3000")
    awards.award_decide(application=first, amount=Decimal("3000"), by=staff)
    with pytest.raises(ValidationError) as full:
        awards.award_decide(application=second, amount=Decimal("3000"), by=staff)
    assert full.value.message_dict == {"amount": ["Only 2,000.00\xa0EUR is left in this call's budget pool."]}
    decisions.application_waitlist(application=second, by=staff)
    # The first grantee declines: the money comes back and the waitlisted one can be funded.
    application_services.application_withdraw(application=first, by=member_of(first.group), comment="We declined.")
    awards.award_decide(application=second, amount=Decimal("3000"), by=staff)
    second.refresh_from_db()
    assert second.status == S.AWARDED
    assert committed_amount(call) == Decimal("3000.00")


def test_an_award_cannot_be_declined_after_money_was_paid(staff):
    application = _reviewed(CompetitionFactory(), "1000")
    awards.award_decide(application=application, amount=Decimal("1000"), by=staff)
    awards.tranches_set(application=application, rows=[{"label": "All", "amount": Decimal("1000")}], by=staff)
    awards.tranche_mark_paid(tranche=application.tranches.get(), paid_on=timezone.localdate(), by=staff)
    with pytest.raises(ValidationError, match="conditions"):
        application_services.application_withdraw(application=application, by=member_of(application.group))


def test_four_eyes_rule(staff):
    call = CompetitionFactory(award_confirmation_threshold=Decimal("2000"), budget_pool=Decimal("10000"))
    small, large = _reviewed(call, "1500"), _reviewed(call, "4000")
    awards.award_decide(application=small, amount=Decimal("1500"), by=staff)  # below: immediate
    proposal = awards.award_decide(application=large, amount=Decimal("4000"), by=staff, conditions="Sign by May.")
    assert isinstance(proposal, AwardProposal)
    large.refresh_from_db()
    assert large.status == S.REVIEWED and committed_amount(call) == Decimal("1500.00")
    with pytest.raises(ValidationError, match="already waiting"):
        awards.award_decide(application=large, amount=Decimal("3000"), by=staff_user())
    with pytest.raises(ValidationError, match="someone other than the proposer"):
        awards.proposal_confirm(proposal=proposal, by=staff)
    second = staff_user()
    awards.proposal_confirm(proposal=proposal, by=second)
    large.refresh_from_db()
    assert (large.status, large.awarded_amount, large.award_conditions) == (
        S.AWARDED,
        Decimal("4000.00"),
        "Sign by May.",
    )
    log = StateLog.objects.get(object_id=large.pk, transition="award")
    assert log.by == second and str(staff) in log.description
    with pytest.raises(ValidationError, match="already been decided"):
        awards.proposal_confirm(proposal=proposal, by=second)


def test_a_proposal_that_no_longer_fits_is_refused_at_confirmation(staff):
    call = CompetitionFactory(award_confirmation_threshold=Decimal("1000"), budget_pool=Decimal("5000"))
    large, other = _reviewed(call, "4000"), _reviewed(call, "2000")
    proposal = awards.award_decide(application=large, amount=Decimal("4000"), by=staff)
    awards.award_decide(application=other, amount=Decimal("1000"), by=staff)
    cancelled = awards.proposal_cancel(proposal=proposal, by=staff)
    assert cancelled.status == AwardProposal.Status.CANCELLED
    with pytest.raises(ValidationError, match="cannot exceed the requested"):
        awards.award_decide(application=large, amount=Decimal("4000.01"), by=staff)
    # A cancelled proposal does not block a new one; it fits the pool when it is made (1000 of
    # 5000 committed) and commits nothing until it is confirmed.
    proposal = awards.award_decide(application=large, amount=Decimal("4000"), by=staff)
    assert isinstance(proposal, AwardProposal) and proposal.status == AwardProposal.Status.PENDING
    assert committed_amount(call) == Decimal("1000")
    awards.award_decide(application=_reviewed(call, "500"), amount=Decimal("500"), by=staff)
    with pytest.raises(ValidationError, match="left in this call"):
        awards.proposal_confirm(proposal=proposal, by=staff_user())
    large.refresh_from_db()
    proposal.refresh_from_db()
    assert large.status == S.REVIEWED and proposal.status == AwardProposal.Status.PENDING
    assert committed_amount(call) == Decimal("1500")


def test_only_staff_decide_and_only_reviewed_or_waitlisted(staff):
    application = _reviewed(CompetitionFactory(), "1000")
    with pytest.raises(PermissionDenied):
        awards.award_decide(application=application, amount=Decimal("100"), by=member_of(application.group))
    submitted = ApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="Submitted"):
        awards.award_decide(application=submitted, amount=Decimal("100"), by=staff)


def test_rejection_feedback_and_shared_comments_without_names_or_scores(staff):
    call = CompetitionFactory()
    criterion = CriterionFactory(competition=call, name="Relevance")
    application = ApplicationFactory(competition=call, status=S.IN_REVIEW)
    reviewer = reviewer_user(full_name="Zofia Secret")
    review = submitted_review(application, reviewer, [2])
    review.overall_comment = "The plan is vague."
    review.save()
    review.scores.update(comment="Not clearly local.")
    review_services.application_complete_review(application=application, by=staff)
    decisions.application_reject(
        application=application, by=staff, feedback="Too broad for this call.", share_reviewer_comments=True
    )
    from reviews.selectors import shared_reviewer_comments

    application.refresh_from_db()
    assert shared_reviewer_comments(application) == [
        {"number": 1, "overall": "The plan is vague.", "comments": [("Relevance", "Not clearly local.")]}
    ]
    assert criterion  # the criterion the comment belongs to


def test_reduce_returns_money_and_clears_unpaid_tranches(staff):
    call = CompetitionFactory(budget_pool=Decimal("5000"))
    application = _reviewed(call, "4000")
    awards.award_decide(application=application, amount=Decimal("4000"), by=staff)
    awards.tranches_set(application=application, rows=[{"label": "A", "amount": Decimal("4000")}], by=staff)
    with pytest.raises(ValidationError):
        awards.award_reduce(application=application, amount=Decimal("4500"), by=staff, reason="x")
    awards.award_reduce(application=application, amount=Decimal("3000"), by=staff, reason="Smaller venue.")
    application.refresh_from_db()
    assert application.awarded_amount == Decimal("3000.00") and not application.tranches.exists()
    assert committed_amount(call) == Decimal("3000.00")
    # Not a transition: the reduction is in the audit log, with who did it.
    log = AuditEntry.objects.get(application_id=application.pk, action="award.reduced")
    assert "4,000.00" in log.message and "Smaller venue." in log.message and log.actor == staff


def test_tranches_must_sum_to_the_award_and_paid_ones_stay(staff):
    application = _reviewed(CompetitionFactory(), "1000")
    awards.award_decide(application=application, amount=Decimal("1000"), by=staff)
    with pytest.raises(ValidationError, match="add up to 900.00"):
        awards.tranches_set(
            application=application,
            rows=[{"label": "A", "amount": Decimal("800")}, {"label": "B", "amount": Decimal("100")}],
            by=staff,
        )
    assert not application.tranches.exists()
    first, _second = awards.tranches_set(
        application=application,
        by=staff,
        rows=[{"label": "On signature", "amount": Decimal("800")}, {"label": "After report", "amount": Decimal("200")}],
    )
    with pytest.raises(ValidationError, match="future"):
        awards.tranche_mark_paid(tranche=first, paid_on=timezone.localdate() + timedelta(days=1), by=staff)
    awards.tranche_mark_paid(tranche=first, paid_on=timezone.localdate(), by=staff)
    with pytest.raises(ValidationError, match="already marked"):
        awards.tranche_mark_paid(tranche=first, paid_on=timezone.localdate(), by=staff)
    awards.tranches_set(
        application=application,
        by=staff,
        rows=[{"label": "Half", "amount": Decimal("100")}, {"label": "Rest", "amount": Decimal("100")}],
    )
    assert list(PaymentTranche.objects.filter(application=application).values_list("label", "amount", "paid_on")) == [
        ("On signature", Decimal("800.00"), timezone.localdate()),
        ("Half", Decimal("100.00"), None),
        ("Rest", Decimal("100.00"), None),
    ]
    summary = project_selectors.money_summary(application.competition)
    assert (summary["committed"], summary["paid"], summary["remaining"]) == (
        Decimal("1000.00"),
        Decimal("800.00"),
        Decimal("9000.00"),
    )


def test_the_award_letter_pdf_carries_the_award_in_the_groups_language(staff):
    call = CompetitionFactory(currency="PLN", title="Lokalne media")
    application = _reviewed(call, "3000", group__language="pl", group__name="Kółko Gęślą")
    awards.award_decide(application=application, amount=Decimal("2500"), by=staff, conditions="Raport do czerwca.")
    awards.tranches_set(application=application, rows=[{"label": "Po podpisaniu", "amount": Decimal("2500")}], by=staff)
    application.refresh_from_db()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(award_letter_pdf(application, staff))).pages)
    for expected in (
        "Kółko Gęślą",
        application.reference,
        "2 500,00 PLN",
        "Raport do czerwca.",
        "Po podpisaniu",
        "Lokalne media",
    ):
        assert expected in text
