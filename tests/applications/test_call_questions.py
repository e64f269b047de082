"""The call's own questions on the applicant's pages: answered and autosaved like today's fields,
checked on the server with the error on the field (what was typed kept), required at Submit,
shown read-only to staff and reviewers (identifying ones hidden in a blind call), kept in the
submitted snapshot with the version answered, and 40 questions cost no query more than 1."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application
from grants.models import Competition
from grants.services import call_form_replace
from reviews.models import Assignment
from tests.applications.test_views import _post_data
from tests.factories import ApplicationFactory, in_pool, member_of, reviewer_user, staff_user
from tests.grants.test_call_form_definition import definition, question

pytestmark = pytest.mark.django_db


def _with_questions(draft, *questions):
    call_form_replace(competition=draft.competition, definition=definition(*questions), by=staff_user())
    draft.competition.refresh_from_db()
    return draft


QUESTIONS = (
    question("team", "long_text", max_words=5, required=True),
    question("contact", "email", identifying=True),
    question("budget_share", "money"),
    question("place", "single_choice"),
    question("topics", "multiple_choice"),
    question("legal", "yes_no", reviewers_see=False),
)


def _autosave(client, draft, **answers):
    data = _post_data(draft, **{f"q_{key}": value for key, value in answers.items()})
    return client.post(reverse("applications:autosave", kwargs={"pk": draft.pk}), data, HTTP_HX_REQUEST="true")


def test_answers_are_autosaved_and_a_wrong_one_is_refused_on_its_field_without_losing_the_rest(client):
    draft = _with_questions(ApplicationFactory(), *QUESTIONS)
    member = member_of(draft.group)
    client.force_login(member)
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    assert "Questions of this call" in page and 'name="q_team"' in page and "Label of budget_share (EUR)" in page

    response = _autosave(client, draft, team="We are four", contact="not-an-address", place="a", topics=["a", "b"])
    assert response.status_code == 200 and "Label of contact" in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_answers == {
        "team": "We are four",
        "budget_share": None,
        "place": "a",
        "topics": ["a", "b"],
        "legal": "",
    }
    assert draft.form_version == 1

    data = _post_data(draft, q_team="one two three four five six", q_contact="anna@example.org", q_place="zzz")
    response = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), data)
    html = response.content.decode()
    assert "Write at most 5 words (you wrote 6)." in html
    assert "Select a valid choice. zzz is not one of the available choices." in html
    assert "one two three four five six" in html  # what was typed stays in the form
    draft.refresh_from_db()
    assert draft.form_answers["team"] == "We are four" and draft.form_answers["contact"] == "anna@example.org"


def test_a_required_question_is_asked_for_at_submit_and_the_snapshot_keeps_the_answers(client):
    draft = _with_questions(ApplicationFactory(), *QUESTIONS)
    draft.competition.eligible_regions.add(draft.region)
    member = member_of(draft.group)
    client.force_login(member)
    url = reverse("applications:submit", kwargs={"pk": draft.pk})
    refused = client.post(url, _post_data(draft))
    assert refused.status_code == 200 and "This field is required before you submit." in refused.content.decode()
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT
    assert client.post(url, _post_data(draft, q_team="Four neighbours", q_budget_share="120.50")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.submitted_snapshot["form_answers"]["budget_share"] == "120.50"
    assert draft.submitted_snapshot["form_version"] == 1


def test_staff_read_every_answer_and_a_blind_reviewer_only_the_anonymous_ones_meant_for_reviewers(client):
    draft = _with_questions(ApplicationFactory(), *QUESTIONS)
    draft.form_answers = {"team": "Four neighbours", "contact": "anna@example.org", "legal": "yes", "place": "b"}
    draft.save()
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "anna@example.org" in html and "Label of legal" in html and "Four neighbours" in html

    call = draft.competition
    call.blind_review = True
    call.save()
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.IN_REVIEW)
    reviewer = reviewer_user()
    in_pool(call, reviewer)
    assignment = Assignment.objects.create(application=draft, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).content.decode()
    assert "Four neighbours" in html and "Label of place" in html
    assert "anna@example.org" not in html and "Label of legal" not in html


def test_a_changed_form_is_a_new_version_and_old_answers_stay_readable(client):
    draft = _with_questions(ApplicationFactory(), *QUESTIONS)
    member = member_of(draft.group)
    client.force_login(member)
    _autosave(client, draft, team="Four")
    Competition.objects.filter(pk=draft.competition_id).update(form_frozen=True)  # another group submitted
    _with_questions(draft, question("team", "long_text", label={"en": "Who are you?"}))
    draft.refresh_from_db()
    assert draft.form_version == 1 and draft.competition.form_version == 2
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Who are you?" not in html and "Label of team" in html and "Four" in html  # the questions it answered
    assert "Label of contact" in html  # a question of version 1 that version 2 dropped
    client.force_login(member)
    _autosave(client, draft, team="Four again")  # a draft saved again answers the newest version
    draft.refresh_from_db()
    assert draft.form_version == 2
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Who are you?" in html and "Label of contact" not in html


@pytest.mark.parametrize("count", [1, 40])
def test_a_form_of_40_questions_renders_and_autosaves_in_as_many_queries_as_one(
    client, django_assert_max_num_queries, count
):
    kinds = ["short_text", "long_text", "number", "money", "date", "single_choice", "yes_no", "email", "url"]
    draft = _with_questions(ApplicationFactory(), *(question(f"q{n}", kinds[n % len(kinds)]) for n in range(count)))
    member = member_of(draft.group)
    client.force_login(member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).status_code == 200
    with django_assert_max_num_queries(14):
        assert _autosave(client, draft, q0="hello").status_code == 200
    draft.refresh_from_db()
    assert draft.form_answers["q0"] == "hello" and len(draft.form_answers) == count


def test_money_answers_are_kept_as_exact_decimals(client):
    draft = _with_questions(ApplicationFactory(), question("budget_share", "money"))
    client.force_login(member_of(draft.group))
    _autosave(client, draft, budget_share="0.10")
    draft.refresh_from_db()
    assert Decimal(draft.form_answers["budget_share"]) == Decimal("0.10")
