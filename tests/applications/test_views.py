"""The applicant's pages through the test client: access, autosave, save, submit, files."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import Application, Attachment
from tests.factories import ApplicationFactory, CompetitionFactory, GroupFactory, UserFactory, member_of, staff_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post_data(application, **overrides):
    data = {
        "title": application.title,
        "summary": application.summary,
        "problem": application.problem,
        "activities": application.activities,
        "expected_results": application.expected_results,
        "beneficiaries": application.beneficiaries,
        "region": application.region_id,
        "planned_start": application.planned_start.isoformat(),
        "planned_end": application.planned_end.isoformat(),
        "requested_amount": str(application.requested_amount),
        "own_contribution": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    line = application.budget_lines.first()
    if line:
        data.update(
            {
                "lines-0-id": line.pk,
                "lines-0-category": line.category,
                "lines-0-description": line.description,
                "lines-0-quantity": str(line.quantity),
                "lines-0-unit_cost": str(line.unit_cost),
            }
        )
    data.update(overrides)
    return data


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def draft():
    return ApplicationFactory()


@pytest.fixture
def member(draft):
    return member_of(draft.group)


def _attachment(application):
    return services.attachment_add(
        application=application, uploaded_file=_upload("plan.pdf", PDF), by=member_of(application.group)
    )


OBJECT_URLS = [
    ("applications:detail", "get"),
    ("applications:edit", "get"),
    ("applications:edit", "post"),
    ("applications:autosave", "post"),
    ("applications:submit", "post"),
    ("applications:withdraw", "post"),
    ("applications:attachment_upload", "post"),
]


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
@pytest.mark.parametrize("who", ["anonymous", "other_applicant", "reviewer", "mentor"])
def test_another_groups_application_is_a_404(client, draft, name, method, who):
    if who != "anonymous":
        roles = {"other_applicant": ["applicant"], "reviewer": ["reviewer"], "mentor": ["mentor"]}[who]
        outsider = UserFactory(roles=roles)
        member_of(GroupFactory(), user=outsider)
        client.force_login(outsider)
    response = getattr(client, method)(
        reverse(name, kwargs={"pk": draft.pk}), _post_data(draft, title="Hacked") if method == "post" else None
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("A green courtyard", "draft")


@pytest.mark.parametrize("name", ["applications:attachment_download", "applications:attachment_delete"])
@pytest.mark.parametrize("who", ["anonymous", "other_applicant"])
def test_another_groups_attachment_is_a_404(client, draft, name, who):
    attachment = _attachment(draft)
    if who == "other_applicant":
        client.force_login(UserFactory())
    response = (client.get if name.endswith("download") else client.post)(reverse(name, kwargs={"pk": attachment.pk}))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_missing_application_is_a_404_like_a_foreign_one(client, member):
    client.force_login(member)
    assert client.get(reverse("applications:detail", kwargs={"pk": 999999})).status_code == 404


def test_anonymous_404_page_offers_to_log_in(client, draft):
    response = client.get(reverse("applications:detail", kwargs={"pk": draft.pk}))
    assert response.status_code == 404
    assert f"/accounts/login/?next=/applications/{draft.pk}/" in response.content.decode()


def test_staff_read_any_application_but_cannot_edit_it(client, draft):
    client.force_login(staff_user())
    assert client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).status_code == 200
    assert client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).status_code == 404


def test_member_sees_and_edits_the_draft(client, draft, member):
    client.force_login(member)
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk}))
    assert page.status_code == 200
    assert f'hx-post="/applications/{draft.pk}/autosave/"' in page.content.decode()
    response = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft, title="New title"))
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.title == "New title"
    assert "Your draft is saved." in client.get(response["Location"]).content.decode()


def test_autosave_keeps_valid_fields_and_reports_invalid_ones(client, draft, member):
    client.force_login(member)
    data = _post_data(
        draft,
        title="Typed just now",
        requested_amount="abc",
        **{
            "lines-TOTAL_FORMS": "2",
            "lines-1-category": "travel",
            "lines-1-description": "Bus tickets",
            "lines-1-quantity": "2",
            "lines-1-unit_cost": "25.50",
        },
    )
    response = client.post(reverse("applications:autosave", kwargs={"pk": draft.pk}), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft saved at" in body and "Requested amount (EUR)" in body
    draft.refresh_from_db()
    assert draft.title == "Typed just now"
    assert draft.requested_amount == Decimal("1500.00")  # the invalid value did not overwrite the saved one
    new_line = draft.budget_lines.get(description="Bus tickets")
    # The page learns the new line's id, so the next autosave updates it instead of adding another.
    assert f'name="lines-1-id" id="id_lines-1-id" value="{new_line.pk}" hx-swap-oob="true"' in body
    data["lines-1-id"] = str(new_line.pk)
    data["lines-1-unit_cost"] = "30.00"
    client.post(reverse("applications:autosave", kwargs={"pk": draft.pk}), data, HTTP_HX_REQUEST="true")
    assert list(draft.budget_lines.filter(description="Bus tickets").values_list("unit_cost", flat=True)) == [
        Decimal("30.00")
    ]


def test_autosave_after_the_session_expired_answers_401_not_a_login_page(client, draft):
    response = client.post(
        reverse("applications:autosave", kwargs={"pk": draft.pk}), _post_data(draft), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 401
    assert "kept in this browser" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("requested_amount", "-5", "Ensure this value is greater than or equal to 0."),
        ("requested_amount", "lots", "Enter a number."),
        ("lines-0-unit_cost", "-1", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_numbers_get_an_error_on_their_field_and_keep_everything_typed(
    client, draft, member, field, value, message
):
    client.force_login(member)
    response = client.post(
        reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft, title="Still here", **{field: value})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Still here"' in html and f'value="{value}"' in html
    draft.refresh_from_db()
    assert draft.title == "Still here"


def test_submit_above_the_maximum_shows_the_error_and_keeps_the_draft(client, draft, member):
    client.force_login(member)
    response = client.post(
        reverse("applications:submit", kwargs={"pk": draft.pk}),
        _post_data(draft, requested_amount="99999", **{"lines-0-unit_cost": "33333"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The call&#x27;s maximum grant is 5,000.00" in html
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.requested_amount == Decimal("99999.00")


def test_submit_through_the_page(client, draft, member):
    client.force_login(member)
    response = client.post(reverse("applications:submit", kwargs={"pk": draft.pk}), _post_data(draft), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", kwargs={"pk": draft.pk})
    assert "Your application is submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"
    again = client.post(reverse("applications:submit", kwargs={"pk": draft.pk}), _post_data(draft), follow=True)
    assert "already been submitted" in again.content.decode()


def test_editing_a_submitted_application_is_refused_and_changes_nothing(client, draft, member):
    services.application_submit(application=draft, by=member)
    client.force_login(member)
    for name in ("applications:edit", "applications:autosave"):
        response = client.post(
            reverse(name, kwargs={"pk": draft.pk}),
            _post_data(draft, title="Changed"),
            HTTP_HX_REQUEST="true" if "autosave" in name else None,
            follow=True,
        )
        assert "can no longer be changed" in response.content.decode()
    upload = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}),
        {"file": _upload("late.pdf", PDF)},
        follow=True,
    )
    assert "can no longer be changed" in upload.content.decode()
    draft.refresh_from_db()
    assert draft.title == "A green courtyard" and not draft.attachments.exists()


def test_upload_accepts_a_real_pdf_and_serves_it_only_as_a_download(client, draft, member):
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}), {"file": _upload("Budget plan.pdf", PDF)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", kwargs={"pk": draft.pk})
    attachment = draft.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Budget plan.pdf",
        "application/pdf",
        len(PDF),
    )
    assert "Budget" not in attachment.file.name  # the stored name reveals nothing
    download = client.get(reverse("applications:attachment_download", kwargs={"pk": attachment.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    client.force_login(staff_user())
    assert client.get(reverse("applications:attachment_download", kwargs={"pk": attachment.pk})).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"MZ\x90\x00 this is an executable", "This file type is not accepted"),
        ("image.pdf", PNG, "This file type is not accepted"),
        ("notes.txt", b"just text", "This file type is not accepted"),
    ],
)
def test_upload_checks_the_type_by_content(client, draft, member, name, content, message):
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}),
        {"file": _upload(name, content, "application/pdf")},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not draft.attachments.exists()


def test_upload_refuses_oversized_files(client, draft, member, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}),
        {"file": _upload("big.pdf", PDF + b"0" * 2048)},
    )
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not draft.attachments.exists()


def test_withdraw_from_the_page_is_logged_with_the_comment(client, draft, member):
    client.force_login(member)
    client.post(reverse("applications:withdraw", kwargs={"pk": draft.pk}), {"comment": "We found other money."})
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    page = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Withdrawn" in page and "We found other money." in page


def test_start_an_application_from_the_call_page(client):
    call = CompetitionFactory()
    group = GroupFactory()
    user = member_of(group)
    client.force_login(user)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Start an application" in page and group.name in page
    response = client.post(reverse("applications:start", kwargs={"slug": call.slug}), {"group": group.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", kwargs={"pk": application.pk})
    assert application.reference == f"SG-{application.created_at.year}-{application.pk:04d}"
    assert application.region_id == group.region_id
    # Another group's id is refused.
    other = GroupFactory()
    assert (
        client.post(reverse("applications:start", kwargs={"slug": call.slug}), {"group": other.pk}).status_code == 404
    )


@pytest.mark.parametrize("count", [5, 200])
def test_dashboard_shows_each_groups_latest_applications_and_the_group_page_all_by_page(
    client, django_assert_max_num_queries, count
):
    """A group's history grows every year: the dashboard shows its latest ten and links to its
    page, where a member reads every application 25 at a time; both in constant queries."""
    group = GroupFactory()
    user = member_of(group)
    call = CompetitionFactory()
    applications = ApplicationFactory.create_batch(count, group=group, competition=call, lines=[])
    client.force_login(user)
    with django_assert_max_num_queries(12):
        dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert dashboard.count("A green courtyard") == min(count, 10)
    assert applications[-1].reference in dashboard  # the newest first
    assert (f"All {count} applications of this group" in dashboard) == (count > 10)
    with django_assert_max_num_queries(12):
        page = client.get(group.get_absolute_url()).content.decode()
    listed = page.split('id="applications-heading"')[1]
    assert listed.count("A green courtyard") == min(count, 25)
    assert ("Page 1 of 8" in listed) == (count == 200)
    if count == 200:
        last = client.get(group.get_absolute_url(), {"page": 8}).content.decode()
        assert applications[0].reference in last and applications[-1].reference not in last
    client.force_login(staff_user())  # staff read applications in their own lists, not here
    assert 'id="applications-heading"' not in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [5, 200])
def test_application_page_queries_are_constant(client, django_assert_max_num_queries, count):
    application = ApplicationFactory(lines=[(1, Decimal("1"))] * count)
    member = member_of(application.group)
    for _ in range(3):
        services.attachment_add(application=application, uploaded_file=_upload("a.pdf", PDF), by=member)
    client.force_login(member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("applications:edit", kwargs={"pk": application.pk})).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code == 200
