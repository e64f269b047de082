"""The staff's builder of a call's questions: rows become a checked definition, a refused one
keeps the rows and says why, and a form can be copied from an earlier call."""

import pytest
from django.urls import reverse

from grants.models import Competition
from grants.services import call_form_replace
from tests.factories import CompetitionFactory, staff_user
from tests.grants.test_call_form_definition import definition, question

pytestmark = pytest.mark.django_db


def _row(n, **fields):
    base = {"key": f"q{n}", "type": "short_text", "label_en": f"Question {n}", "reviewers_see": "on"}
    return {f"questions-{n}-{k}": v for k, v in {**base, **fields}.items()}


def _post(client, call, *rows, initial=0):
    data = {"questions-TOTAL_FORMS": str(len(rows)), "questions-INITIAL_FORMS": str(initial)}
    for row in rows:
        data.update(row)
    return client.post(reverse("grants:staff_call_questions", kwargs={"pk": call.pk}), data)


def test_staff_build_questions_in_rows_and_a_change_after_a_submission_is_a_new_version(client):
    call = CompetitionFactory()
    client.force_login(staff_user())
    response = _post(
        client,
        call,
        _row(0, type="long_text", max_words="150", required="on", label_uk="Розкажіть про команду"),
        _row(1, type="single_choice", options="Town\nVillage", identifying="on"),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    team, place = call.form_definition["stages"][0]["questions"]
    assert team["label"] == {"en": "Question 0", "uk": "Розкажіть про команду"} and team["max_words"] == 150
    assert team["required"] and team["reviewers_see"] and not team["identifying"]
    assert [o["value"] for o in place["options"]] == ["Town", "Village"] and place["identifying"]
    page = client.get(reverse("grants:staff_call_questions", kwargs={"pk": call.pk})).content.decode()
    assert "Version 1." in page and "Розкажіть про команду" in page
    assert "Translations still missing" in page
    assert "Question 0: " in page and "Question 1: " in page  # each lacks some of the offered languages
    assert "No application has been submitted yet" in page
    assert _post(client, call, _row(0), _row(1), initial=2).status_code == 302
    call.refresh_from_db()
    assert call.form_version == 1  # nobody has submitted: the version is edited in place
    Competition.objects.filter(pk=call.pk).update(form_frozen=True)  # an application was submitted
    page = client.get(reverse("grants:staff_call_questions", kwargs={"pk": call.pk})).content.decode()
    assert "This version is frozen" in page and "Saving a change makes version 2" in page
    assert _post(client, call, _row(0), initial=2).status_code == 302
    call.refresh_from_db()
    assert call.form_version == 2 and not call.form_frozen


def test_a_choice_without_options_is_refused_naming_the_question_and_the_rows_stay(client):
    call = CompetitionFactory()
    client.force_login(staff_user())
    response = _post(client, call, _row(0, key="place", type="single_choice", options="Only one"))
    html = response.content.decode()
    assert response.status_code == 200 and "Question “place”: a choice needs at least two options." in html
    assert "Only one" in html
    call.refresh_from_db()
    assert call.form_definition == {}


def test_staff_copy_the_questions_of_an_earlier_call(client):
    staff = staff_user()
    earlier = CompetitionFactory(title="Backyard 2026")
    call_form_replace(competition=earlier, definition=definition(question("team")), by=staff)
    call = CompetitionFactory()
    client.force_login(staff)
    page = client.get(reverse("grants:staff_call_questions", kwargs={"pk": call.pk})).content.decode()
    assert "Backyard 2026" in page
    url = reverse("grants:staff_call_questions_copy", kwargs={"pk": call.pk})
    assert client.post(url, {"source": earlier.pk}).status_code == 302
    call.refresh_from_db()
    earlier.refresh_from_db()
    assert call.form_definition == earlier.form_definition and call.form_definition["stages"][0]["questions"]
