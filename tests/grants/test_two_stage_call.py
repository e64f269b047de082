"""A two-stage call's settings and form: the full proposals' deadline (after the concept notes'),
one list of questions per stage in the builder, and ``call_form`` exporting and importing the
call's kind with its stages (an invalid file refused, naming the question, nothing changed)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grants.call_forms import definition_for_kind, questions_of
from grants.models import Competition
from tests.factories import CompetitionFactory, staff_user
from tests.grants.test_call_form import _data
from tests.grants.test_call_form_definition import question

pytestmark = pytest.mark.django_db


def two_stage(concept=(), full=()):
    return {
        "kind": "two_stage",
        "stages": [{"key": "concept", "questions": list(concept)}, {"key": "full", "questions": list(full)}],
    }


@pytest.mark.parametrize(
    ("full_closes_at", "error"),
    [
        ("", "A two-stage call needs the deadline of its full proposals."),
        ("2027-02-01T12:00", "Full proposals must be due after the concept notes"),
    ],
)
def test_a_two_stage_call_needs_a_full_proposals_deadline_after_the_concept_deadline(client, full_closes_at, error):
    client.force_login(staff_user())
    data = _data(title="Two steps", kind="two_stage", full_closes_at=full_closes_at)
    response = client.post(reverse("grants:staff_call_create"), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Competition.objects.filter(title="Two steps").exists()


def test_the_full_proposals_deadline_is_kept_in_the_calls_zone_and_dropped_for_other_kinds(client):
    client.force_login(staff_user())
    data = _data(title="Two steps", kind="two_stage", full_closes_at="2027-03-01T17:00", time_zone="Europe/Kyiv")
    assert client.post(reverse("grants:staff_call_create"), data).status_code == 302
    call = Competition.objects.get(title="Two steps")
    assert (
        call.two_stage and call.full_closes_at.astimezone(call.tzinfo).strftime("%Y-%m-%d %H:%M") == "2027-03-01 17:00"
    )
    data = _data(title="One step", kind="fixed", full_closes_at="2027-03-01T17:00")
    assert client.post(reverse("grants:staff_call_create"), data).status_code == 302
    assert Competition.objects.get(title="One step").full_closes_at is None


def test_export_prints_the_kind_and_both_stages_and_import_sets_the_calls_kind(tmp_path, capsys):
    call = CompetitionFactory(slug="steps")
    path = tmp_path / "form.json"
    path.write_text(json.dumps(two_stage([question("idea", required=True)], [question("idea"), question("risks")])))
    call_command("call_form", "import", "steps", str(path))
    call.refresh_from_db()
    assert call.kind == Competition.Kind.TWO_STAGE
    capsys.readouterr()
    call_command("call_form", "export", "steps")
    exported = json.loads(capsys.readouterr().out)
    assert exported["kind"] == "two_stage" and [s["key"] for s in exported["stages"]] == ["concept", "full"]
    concept_idea = exported["stages"][0]["questions"][0]
    assert {k: concept_idea[k] for k in ("key", "type", "label", "required", "identifying")} == {
        "key": "idea",
        "type": "short_text",
        "label": {"en": "Label of idea", "uk": "Мітка idea"},
        "required": True,
        "identifying": False,
    }
    assert [q["key"] for q in exported["stages"][1]["questions"]] == ["idea", "risks"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (two_stage([question("idea"), question("idea")]), "Question “idea”: this key is used twice."),
        (two_stage([], [question("risks", "favourite")]), "Question “risks”: “favourite” is not a known type"),
        ({"kind": "two_stage", "stages": [{"key": "main", "questions": []}]}, "has two stages"),
        ({"kind": "fixed", "stages": two_stage()["stages"]}, "exactly one stage"),
        ({**two_stage(), "kind": "lottery"}, "“lottery” is not a kind of call"),
    ],
)
def test_an_invalid_two_stage_file_is_refused_and_nothing_changes(tmp_path, bad, message):
    call = CompetitionFactory(slug="steps")
    path = tmp_path / "form.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as refusal:
        call_command("call_form", "import", "steps", str(path))
    assert message in str(refusal.value)
    call.refresh_from_db()
    assert call.kind == Competition.Kind.FIXED and call.form_definition == {}


def test_the_builder_edits_the_questions_of_each_stage(client):
    call = CompetitionFactory(kind=Competition.Kind.TWO_STAGE)
    client.force_login(staff_user())
    url = reverse("grants:staff_call_questions", kwargs={"pk": call.pk})
    page = client.get(url).content.decode()
    assert "Stage 1: the concept note" in page and "Stage 2: the full proposal" in page
    data = {}
    for prefix, keys in (("concept", ["idea"]), ("full", ["idea", "risks"])):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(keys)), f"{prefix}-INITIAL_FORMS": "0"})
        for n, key in enumerate(keys):
            data.update({f"{prefix}-{n}-key": key, f"{prefix}-{n}-type": "short_text", f"{prefix}-{n}-label_en": key})
    assert client.post(url, data).status_code == 302
    call.refresh_from_db()
    assert [q["key"] for q in questions_of(call.form_definition, "concept")] == ["idea"]
    assert [q["key"] for q in questions_of(call.form_definition, "full")] == ["idea", "risks"]
    assert call.kind == Competition.Kind.TWO_STAGE


def test_a_one_stage_form_becomes_the_full_proposals_when_the_call_becomes_two_stage():
    one = {"kind": "fixed", "stages": [{"key": "main", "questions": [question("team")]}]}
    reshaped = definition_for_kind(one, "two_stage")
    assert [s["key"] for s in reshaped["stages"]] == ["concept", "full"]
    assert questions_of(reshaped, "concept") == [] and [q["key"] for q in questions_of(reshaped, "full")] == ["team"]
    assert definition_for_kind(reshaped, "fixed")["stages"] == one["stages"]


def test_a_calls_kind_stays_once_an_application_is_submitted(client):
    """The kind shapes the applications' states and stages: neither the call form nor an import
    may change it under submitted applications (a draft alone does not hold it)."""
    from django.core.exceptions import ValidationError

    from grants.services import call_form_replace
    from tests.factories import ApplicationFactory

    staff = staff_user()
    draft = ApplicationFactory()
    call = draft.competition
    call_form_replace(competition=call, definition=two_stage(), by=staff)  # only a draft: allowed
    call.refresh_from_db()
    assert call.kind == "two_stage"
    call_form_replace(
        competition=call, definition={"kind": "fixed", "stages": [{"key": "main", "questions": []}]}, by=staff
    )
    type(draft).objects.filter(pk=draft.pk).update(status="submitted")
    with pytest.raises(ValidationError, match="its kind can no longer change"):
        call_form_replace(competition=call, definition=two_stage(), by=staff)
    call.refresh_from_db()
    assert call.kind == "fixed"
    client.force_login(staff)
    edit = reverse("grants:staff_call_edit", kwargs={"pk": call.pk})
    response = client.post(edit, _data(title=call.title, slug=call.slug, kind="emergency"))
    assert response.status_code == 200
    assert "its kind can no longer change" in response.content.decode()
    call.refresh_from_db()
    assert call.kind == "fixed"
