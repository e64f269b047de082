"""A call's own questions: a definition checked before it is stored, exported and imported as
JSON by ``call_form``; an invalid file is refused naming the question at fault, nothing changed."""

import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from grants.call_forms import QUESTION_TYPES, validate_definition
from grants.models import Competition
from tests.factories import CompetitionFactory

pytestmark = pytest.mark.django_db


def question(key, type_="short_text", **extra):
    data = {"key": key, "type": type_, "label": {"en": f"Label of {key}", "uk": f"Мітка {key}"}, **extra}
    if type_ in ("single_choice", "multiple_choice"):
        data.setdefault("options", [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}])
    if type_ == "table":
        data.setdefault("columns", [{"key": "name", "type": "short_text", "label": {"en": "Name"}}])
    return data


def definition(*questions):
    return {"kind": "fixed", "stages": [{"key": "main", "questions": list(questions)}]}


def test_every_type_of_question_is_accepted_with_its_settings():
    cleaned = validate_definition(definition(*(question(f"q_{t}", t, required=True) for t in QUESTION_TYPES)))
    assert [q["type"] for q in cleaned["stages"][0]["questions"]] == list(QUESTION_TYPES)
    assert all(q["required"] and not q["identifying"] and q["reviewers_see"] for q in cleaned["stages"][0]["questions"])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (definition(question("team"), question("team")), "Question “team”: this key is used twice."),
        (
            definition(question("place", "single_choice", options=[{"value": "x", "label": {"en": "X"}}])),
            "Question “place”: a choice needs at least two options.",
        ),
        (
            definition(question("story", "long_text", max_words=-5)),
            "Question “story”: the limit “max_words” must be a whole number above zero.",
        ),
        (
            definition(question("colour", "favourite")),
            "Question “colour”: “favourite” is not a known type of question.",
        ),
        (definition({"key": "nolabel", "type": "date"}), "Question “nolabel” needs a text in at least one language."),
        (definition(question("Bad Key")), "Question “Bad Key”: a key is lower-case letters"),
    ],
)
def test_an_invalid_file_is_refused_naming_the_question_and_nothing_changes(tmp_path, bad, message):
    call = CompetitionFactory(slug="backyard")
    path = tmp_path / "form.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as refusal:
        call_command("call_form", "import", "backyard", str(path))
    assert message in str(refusal.value)
    call.refresh_from_db()
    assert call.form_definition == {} and call.form_version == 1
    assert not AuditEntry.objects.filter(action="call.form_changed").exists()


def test_export_import_round_trip_makes_a_new_version_only_when_something_changes(tmp_path, capsys):
    CompetitionFactory(slug="backyard")
    source = CompetitionFactory(slug="media")
    path = tmp_path / "form.json"
    path.write_text(json.dumps(definition(question("team", "long_text", max_words=200), question("site", "url"))))
    call_command("call_form", "import", "media", str(path))
    capsys.readouterr()
    call_command("call_form", "export", "media")
    exported = json.loads(capsys.readouterr().out)
    assert exported["kind"] == "fixed" and exported["version"] == 1
    first = exported["stages"][0]["questions"][0]
    assert {k: first[k] for k in ("key", "type", "label", "required", "identifying")} == {
        "key": "team",
        "type": "long_text",
        "label": {"en": "Label of team", "uk": "Мітка team"},
        "required": False,
        "identifying": False,
    }
    path.write_text(json.dumps(exported))
    call_command("call_form", "import", "backyard", str(path))  # copied to another call
    call_command("call_form", "import", "media", str(path))  # the same again: no new version
    source.refresh_from_db()
    assert source.form_version == 1
    exported["stages"][0]["questions"].pop()
    path.write_text(json.dumps(exported))
    Competition.objects.filter(pk=source.pk).update(form_frozen=True)  # an application was submitted
    call_command("call_form", "import", "media", str(path))
    source.refresh_from_db()
    assert source.form_version == 2 and [q["key"] for q in source.form_definition["stages"][0]["questions"]] == ["team"]
    assert AuditEntry.objects.filter(action="call.form_changed", call_id=source.pk).count() == 2
    assert list(source.form_versions.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_an_unknown_call_is_refused():
    with pytest.raises(CommandError, match="No call has the address"):
        call_command("call_form", "export", "nowhere")
