"""The file and table questions, the built-in sections a call switches off, and the frozen form:
wrong answers refused on their field with what was typed kept, files private and hidden from a
blind reviewer when they identify the group, answers in the award letter and the exports, and a
form of every type that costs the same number of queries at 2 and 40 questions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, Attachment
from applications.services import application_submit
from grants.models import Competition
from grants.services import call_form_replace
from projects.exports import applications_table
from projects.letters import award_letter_pdf
from reviews.models import Assignment
from tests.applications.test_views import _post_data
from tests.factories import (
    ApplicationFactory,
    funded_application,
    in_pool,
    member_of,
    minimal_pdf,
    reviewer_user,
    staff_user,
)
from tests.grants.test_call_form_definition import definition, question

pytestmark = pytest.mark.django_db

TEAM = question(
    "team",
    "table",
    columns=[
        {"key": "name", "type": "short_text", "label": {"en": "Name"}},
        {"key": "email", "type": "email", "label": {"en": "E-mail"}},
        {"key": "hours", "type": "number", "label": {"en": "Hours"}},
        {"key": "paid", "type": "yes_no", "label": {"en": "Paid"}},
    ],
    min_rows=2,
    max_rows=3,
    in_letter=True,
)
PLAN = question("plan", "file", file_types=["pdf"], max_mb=1)
CV = question("cv", "file", identifying=True)


def _with(draft, *questions):
    call_form_replace(competition=draft.competition, definition=definition(*questions), by=staff_user())
    draft.competition.refresh_from_db()
    return draft


def _rows(*rows):
    data = {}
    for index, row in enumerate(rows):
        data.update({f"q_team-{index}-{key}": value for key, value in row.items()})
    return data


def _autosave(client, draft, **extra):
    data = _post_data(draft) | extra
    return client.post(reverse("applications:autosave", kwargs={"pk": draft.pk}), data, HTTP_HX_REQUEST="true")


def _upload(client, draft, key, name, content, **headers):
    url = reverse("applications:question_file", kwargs={"pk": draft.pk, "key": key})
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, **headers)


def test_a_table_keeps_its_rows_and_refuses_a_wrong_cell_on_its_field_naming_row_and_column(client):
    draft = _with(ApplicationFactory(), TEAM)
    client.force_login(member_of(draft.group))
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    assert 'name="q_team-0-name"' in page and "Add a row" in page  # an empty row to start with

    rows = ({"name": "Anna", "email": "anna@example.org", "hours": "10", "paid": "yes"}, {"name": "Piotr"})
    assert _autosave(client, draft, **_rows(*rows), **{"q_team-5-name": ""}).status_code == 200
    draft.refresh_from_db()
    assert draft.form_answers["team"] == [
        {"name": "Anna", "email": "anna@example.org", "hours": "10", "paid": "yes"},
        {"name": "Piotr", "email": "", "hours": "", "paid": ""},
    ]  # the empty row is left out

    bad = _rows({"name": "Anna", "email": "not-an-address", "hours": "many"}, {"name": "Piotr"})
    html = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft) | bad).content.decode()
    assert "Row 1, “E-mail”: Enter a valid email address." in html
    assert "Row 1, “Hours”: Enter a number." in html
    assert 'data-table-question="q_team" class="is-invalid"' in html  # so that the error beside it shows
    assert 'value="not-an-address"' in html and 'value="many"' in html  # what was typed stays
    draft.refresh_from_db()
    assert draft.form_answers["team"][0]["email"] == "anna@example.org"  # the saved answer is kept

    four = _rows(*({"name": f"Person {n}"} for n in range(4)))
    html = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft) | four).content.decode()
    assert "Give at most 3 rows." in html


def test_a_table_with_fewer_rows_than_it_asks_for_is_refused_at_submit(client):
    draft = _with(ApplicationFactory(), TEAM)
    draft.competition.eligible_regions.add(draft.region)
    client.force_login(member_of(draft.group))
    url = reverse("applications:submit", kwargs={"pk": draft.pk})
    draft.competition.form_definition["stages"][0]["questions"].append(PLAN | {"required": True})
    call_form_replace(competition=draft.competition, definition=draft.competition.form_definition, by=None)
    refused = client.post(url, _post_data(draft) | _rows({"name": "Anna"}))
    assert "Give at least 2 rows." in refused.content.decode()
    assert 'data-file-question="plan" class="is-invalid"' in refused.content.decode()  # required, not sent
    _upload(client, draft, "plan", "plan.pdf", minimal_pdf())
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT
    assert client.post(url, _post_data(draft) | _rows({"name": "Anna"}, {"name": "Piotr"})).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert [row["name"] for row in draft.submitted_snapshot["form_answers"]["team"]] == ["Anna", "Piotr"]


def test_a_file_answer_is_checked_against_its_question_and_kept_private(client):
    draft = _with(ApplicationFactory(), PLAN)
    member = member_of(draft.group)
    client.force_login(member)
    hx = {"HTTP_HX_REQUEST": "true"}
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    html = _upload(client, draft, "plan", "photo.png", png, **hx).content.decode()
    assert "This question accepts only these types of file: PDF." in html and 'aria-invalid="true"' in html
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    html = _upload(client, draft, "plan", "big.pdf", big, **hx).content.decode()
    assert "The file is too large (1.0 MB); the limit is 1 MB." in html
    assert not Attachment.objects.filter(application=draft).exists()

    html = _upload(client, draft, "plan", "plan.pdf", minimal_pdf(), **hx).content.decode()
    assert "plan.pdf" in html and "Replace the file" in html
    first = Attachment.objects.get(application=draft, question="plan")
    assert first.purpose == Attachment.Purpose.ANSWER
    _upload(client, draft, "plan", "plan-2.pdf", minimal_pdf(), **hx)  # a new file replaces the old
    draft.refresh_from_db()
    second = Attachment.objects.get(application=draft, question="plan")
    assert draft.form_answers["plan"] == {"attachment": second.pk, "name": "plan-2.pdf", "size": second.size}
    assert not Attachment.objects.filter(pk=first.pk).exists()

    _autosave(client, draft, title="Renamed")  # the autosaved form never touches the file's answer
    draft.refresh_from_db()
    assert draft.form_answers["plan"]["name"] == "plan-2.pdf"
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    assert "No files attached yet." in page and 'form="qfile-plan"' in page  # not among the attachments
    data = _post_data(draft) | {"planned_end": "not a date"}
    page = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), data).content.decode()
    assert "Enter a valid date." in page and "plan-2.pdf" in page  # shown again with errors: the file stays
    assert client.get(reverse("applications:attachment_download", kwargs={"pk": second.pk})).status_code == 200

    client.force_login(member_of(ApplicationFactory().group))  # another group's member
    assert client.get(reverse("applications:attachment_download", kwargs={"pk": second.pk})).status_code == 404
    assert _upload(client, draft, "plan", "x.pdf", minimal_pdf()).status_code == 404


def test_a_blind_reviewer_sees_no_identifying_answer_and_cannot_download_its_file(client):
    draft = _with(ApplicationFactory(), PLAN, CV, TEAM)
    member = member_of(draft.group)
    client.force_login(member)
    _upload(client, draft, "plan", "plan.pdf", minimal_pdf())
    _upload(client, draft, "cv", "anna-cv.pdf", minimal_pdf())
    _autosave(client, draft, **_rows({"name": "Anna Kowalska"}))
    cv = Attachment.objects.get(application=draft, question="cv")
    plan = Attachment.objects.get(application=draft, question="plan")
    call = draft.competition
    call.blind_review = True
    call.save()
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.IN_REVIEW)
    reviewer = reviewer_user()
    in_pool(call, reviewer)
    assignment = Assignment.objects.create(application=draft, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).content.decode()
    assert "Label of plan" in html and "anna-cv.pdf" not in html and "Label of cv" not in html
    assert "Anna Kowalska" in html  # the table is not marked identifying
    file_url = "reviews:attachment"
    assert client.get(reverse(file_url, kwargs={"pk": assignment.pk, "attachment_pk": plan.pk})).status_code == 200
    assert client.get(reverse(file_url, kwargs={"pk": assignment.pk, "attachment_pk": cv.pk})).status_code == 404
    assert client.get(reverse("applications:attachment_download", kwargs={"pk": cv.pk})).status_code == 404

    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "anna-cv.pdf" in html and "plan.pdf" in html and "Anna Kowalska" in html


def test_the_form_is_frozen_by_the_first_submission_and_old_answers_render_against_their_version(client):
    first = _with(ApplicationFactory(), question("story", "long_text"))
    call = first.competition
    call.eligible_regions.add(first.region)
    call_form_replace(competition=call, definition=definition(question("story", "long_text", required=True)), by=None)
    call.refresh_from_db()
    assert call.form_version == 1 and not call.form_frozen  # edited in place: nobody submitted
    assert call.form_versions.get().definition["stages"][0]["questions"][0]["required"]

    member = member_of(first.group)
    application_submit(application=first, by=member, fields={"q_story": "Our old story"})
    call.refresh_from_db()
    assert call.form_frozen and call.form_version == 1

    label = {"en": "What changed?"}
    call_form_replace(competition=call, definition=definition(question("story", "long_text", label=label)), by=None)
    call.refresh_from_db()
    assert call.form_version == 2 and not call.form_frozen
    assert list(call.form_versions.order_by("version").values_list("version", flat=True)) == [1, 2]
    first.refresh_from_db()
    assert first.form_version == 1
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": first.pk})).content.decode()
    assert "Label of story" in html and "What changed?" not in html and "Our old story" in html
    call_form_replace(competition=call, definition=definition(question("story", "short_text", label=label)), by=None)
    call.refresh_from_db()
    assert call.form_version == 2  # still nobody submitted version 2: in place


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (question("team", "table", columns=[]), "Question “team”: a table needs at least one column."),
        (
            question("team", "table", columns=[{"key": "x", "type": "file", "label": {"en": "X"}}]),
            "Question “team”: a column is short text, a number, money, a date, an e-mail or yes/no.",
        ),
        (question("team", "table", min_rows=5, max_rows=2), "the most rows must be above zero and not below"),
        (question("plan", "file", max_mb=-3), "Question “plan”: the size limit is a whole number of MB from 1 to 10."),
        (question("plan", "file", file_types=["exe"]), "Question “plan”: the accepted file types are some of"),
    ],
)
def test_an_invalid_table_or_file_question_is_refused_naming_it(bad, message):
    call = ApplicationFactory().competition
    with pytest.raises(Exception) as refusal:
        call_form_replace(competition=call, definition=definition(bad), by=None)
    assert message in " ".join(refusal.value.messages)
    assert Competition.objects.get(pk=call.pk).form_definition == {}


def test_the_builder_adds_file_and_table_questions_and_refuses_bad_options_on_their_field(client):
    call = ApplicationFactory().competition
    client.force_login(staff_user())
    url = reverse("grants:staff_call_questions", kwargs={"pk": call.pk})
    base = {"questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0", "questions-0-reviewers_see": "on"}
    rows = {
        "questions-0-key": "plan",
        "questions-0-type": "file",
        "questions-0-label_en": "Your plan",
        "questions-0-file_types": ["pdf", "docx"],
        "questions-0-max_mb": "-1",
        "questions-1-key": "team",
        "questions-1-type": "table",
        "questions-1-label_en": "Your team",
        "questions-1-columns": "name | short_text | Name\nhours | number | Hours",
        "questions-1-max_rows": "5",
        "questions-1-in_letter": "on",
    }
    html = client.post(url, base | rows).content.decode()
    assert "the size limit is a whole number of MB from 1 to 10." in html
    assert client.post(url, base | rows | {"questions-0-max_mb": "2"}).status_code == 302
    call.refresh_from_db()
    plan, team = call.form_definition["stages"][0]["questions"]
    assert plan["file_types"] == ["pdf", "docx"] and plan["max_mb"] == 2
    assert [c["key"] for c in team["columns"]] == ["name", "hours"] and team["max_rows"] == 5 and team["in_letter"]
    html = client.get(url).content.decode()
    assert "name | short_text | Name" in html  # the rows come back as typed
    no_columns = base | rows | {"questions-0-max_mb": "2", "questions-1-columns": ""}
    assert "a table needs at least one column." in client.post(url, no_columns).content.decode()


def test_a_call_without_budget_or_attachments_neither_shows_nor_asks_for_them(client):
    draft = ApplicationFactory(lines=[])
    call = draft.competition
    call.budget_section = call.attachments_section = False
    call.save()
    call.eligible_regions.add(draft.region)
    client.force_login(member_of(draft.group))
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    assert "Add a budget line" not in page and 'id="sec-files"' not in page
    upload = reverse("applications:attachment_upload", kwargs={"pk": draft.pk})
    refused = client.post(upload, {"file": SimpleUploadedFile("a.pdf", minimal_pdf())})
    assert refused.status_code == 400 and not draft.attachments.exists()  # the page offers no upload
    data = {k: v for k, v in _post_data(draft).items() if not k.startswith("lines-")}
    assert client.post(reverse("applications:submit", kwargs={"pk": draft.pk}), data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.submitted_snapshot["budget_lines"] == [] and draft.submitted_snapshot["attachments"] == []
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Unit cost" not in html


def test_answers_go_to_the_award_letter_where_marked_and_to_the_export_a_column_each():
    application = funded_application(staff=staff_user())
    _with(application, TEAM, question("secret", "short_text", identifying=True))
    Application.objects.filter(pk=application.pk).update(
        form_answers={"team": [{"name": "Anna", "hours": "10", "paid": "yes"}], "secret": "Kept out"}
    )
    application.refresh_from_db()
    pdf = award_letter_pdf(application, staff_user())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Label of team" in text and "Anna" in text and "Kept out" not in text

    table = applications_table(application.competition.programme, staff_user())
    assert table.header[-2:] == ["Label of team", "Label of secret"]
    row = next(r for r in table.rows if r[0] == application.reference)
    assert row[-2:] == ["Anna, , 10, Yes", "Kept out"]
    call = application.competition
    call.confidential = True
    call.save()
    row = next(r for r in applications_table(call.programme, staff_user()).rows if r[0] == application.reference)
    assert row[-2:] == ["", ""]  # an anonymised export: no answers, identifying or not


@pytest.mark.parametrize("count", [2, 40])
def test_a_form_of_every_type_renders_and_autosaves_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    kinds = ["short_text", "long_text", "number", "money", "date", "single_choice", "yes_no", "email", "url"]
    kinds += ["file", "table", "multiple_choice"]
    draft = _with(ApplicationFactory(), *(question(f"q{n}", kinds[n % len(kinds)]) for n in range(count)))
    client.force_login(member_of(draft.group))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).status_code == 200
    answers = {"q_q0": "hello", "q_q10-0-name": "Anna"} if count > 10 else {"q_q0": "hello"}
    with django_assert_max_num_queries(14):
        assert _autosave(client, draft, **answers).status_code == 200
    draft.refresh_from_db()
    assert draft.form_answers["q0"] == "hello"
    if count > 10:
        assert draft.form_answers["q10"] == [{"name": "Anna"}]


def test_a_stale_page_shows_its_table_beside_the_saved_one_and_never_a_file(client):
    draft = _with(ApplicationFactory(), TEAM, PLAN)
    client.force_login(member_of(draft.group))
    _upload(client, draft, "plan", "plan.pdf", minimal_pdf())
    stale = draft.draft_version
    _autosave(client, draft, draft_version=str(stale), **_rows({"name": "Anna"}))
    response = _autosave(client, draft, draft_version=str(stale), **_rows({"name": "Piotr"}))
    html = response.content.decode()
    assert response.status_code == 409 and "Label of team" in html
    assert "Anna, , , " in html and "Piotr, , , " in html and "Label of plan" not in html


def test_staff_who_know_a_confidential_group_by_its_code_name_see_no_identifying_answer(client):
    draft = _with(ApplicationFactory(), CV, question("story", "short_text", identifying=True))
    client.force_login(member_of(draft.group))
    _upload(client, draft, "cv", "anna-cv.pdf", minimal_pdf())
    draft.refresh_from_db()
    Application.objects.filter(pk=draft.pk).update(form_answers=draft.form_answers | {"story": "Anna's street"})
    draft.refresh_from_db()
    call = draft.competition
    call.confidential = True
    call.save()
    cv = Attachment.objects.get(application=draft, question="cv")
    client.force_login(staff_user())  # without the permission to see real identities
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Label of story" not in html and "Anna&#x27;s street" not in html and "anna-cv.pdf" not in html
    assert client.get(reverse("applications:attachment_download", kwargs={"pk": cv.pk})).status_code == 404
    client.force_login(member_of(draft.group))  # the group itself reads its own answers
    html = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Anna&#x27;s street" in html and "anna-cv.pdf" in html
