"""Two members at one draft: a submit race is a clear message (never a 500), and a stale page's
save is refused with both texts shown, losing nothing."""

import pytest
from django.urls import reverse

from applications import services
from applications import views_applications as views
from tests.applications.test_views import _post_data
from tests.factories import ApplicationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ApplicationFactory(summary="The original summary.")


@pytest.fixture
def members(draft):
    return member_of(draft.group), member_of(draft.group)


def _edit(draft, name="applications:edit"):
    return reverse(name, kwargs={"pk": draft.pk})


def test_two_members_submitting_at_once_get_a_message_not_a_500(client, draft, members, monkeypatch):
    first, second = members
    read_page = views._member_application_to_save

    def read_then_other_submits(request, pk):
        application = read_page(request, pk)  # our request has read the draft ...
        services.application_submit(application=draft, by=second)  # ... and the other member's lands
        monkeypatch.setattr(views, "_member_application_to_save", read_page)
        return application

    monkeypatch.setattr(views, "_member_application_to_save", read_then_other_submits)
    client.force_login(first)
    response = client.post(_edit(draft, "applications:submit"), _post_data(draft), follow=True)
    assert response.status_code == 200
    assert "This application has already been submitted." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_the_submit_that_loses_the_lock_gets_a_message_too(client, draft, members, monkeypatch):
    """The other submit lands after our request read the form, just before our submit locks the row
    (our save and submit are one transaction since issue 12, so this is the last moment it can)."""
    first, second = members
    bind = views._bind

    def bind_then_other_submits(*args, **kwargs):
        result = bind(*args, **kwargs)
        services.application_submit(application=draft, by=second)
        return result

    monkeypatch.setattr(views, "_bind", bind_then_other_submits)
    client.force_login(first)
    response = client.post(_edit(draft, "applications:submit"), _post_data(draft), follow=True)
    assert response.status_code == 200
    assert "This application has already been submitted." in response.content.decode()


def test_the_page_carries_the_drafts_version_and_each_save_bumps_it(client, draft, members):
    client.force_login(members[0])
    assert 'name="draft_version" id="id_draft_version" value="0"' in client.get(_edit(draft)).content.decode()
    response = client.post(
        _edit(draft, "applications:autosave"), _post_data(draft, draft_version="0"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # The page learns the new version with the autosave's answer.
    assert 'name="draft_version" id="id_draft_version" value="1" hx-swap-oob="true"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.draft_version == 1


def test_a_stale_autosave_is_refused_with_both_texts(client, draft, members):
    anna, boris = members
    client.force_login(boris)
    client.post(_edit(draft), _post_data(draft, summary="Boris's newer summary.", draft_version="0"))
    client.force_login(anna)
    response = client.post(
        _edit(draft, "applications:autosave"),
        _post_data(draft, summary="Anna's stale summary.", draft_version="0"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert response["X-Draft-Conflict"] == "1"
    html = response.content.decode()
    assert "Boris&#x27;s newer summary." in html and "Anna&#x27;s stale summary." in html
    assert 'name="overwrite_version" value="1"' in html
    draft.refresh_from_db()
    assert draft.summary == "Boris's newer summary." and draft.draft_version == 1


def test_a_stale_save_keeps_what_was_typed_and_can_then_replace_theirs(client, draft, members):
    anna, boris = members
    client.force_login(boris)
    client.post(_edit(draft), _post_data(draft, summary="Boris's newer summary.", draft_version="0"))
    client.force_login(anna)
    stale = _post_data(draft, title="Anna's title", summary="Anna's stale summary.", draft_version="0")
    response = client.post(_edit(draft), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this draft after you opened it" in html
    # Everything Anna typed is still in the form, Boris's text is shown next to it.
    assert 'value="Anna&#x27;s title"' in html and "\nAnna&#x27;s stale summary.</textarea>" in html
    assert "Boris&#x27;s newer summary." in html
    draft.refresh_from_db()
    assert draft.summary == "Boris's newer summary." and draft.title != "Anna's title"
    # Autosaves from that page keep being refused until Anna chooses.
    assert client.post(_edit(draft, "applications:autosave"), stale, HTTP_HX_REQUEST="true").status_code == 409
    # Having seen both, she saves hers on purpose.
    response = client.post(_edit(draft), stale | {"overwrite_version": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Anna's stale summary." and draft.draft_version == 2


def test_a_stale_submit_is_refused_too(client, draft, members):
    anna, boris = members
    client.force_login(boris)
    client.post(_edit(draft), _post_data(draft, summary="Boris's newer summary.", draft_version="0"))
    client.force_login(anna)
    response = client.post(
        _edit(draft, "applications:submit"), _post_data(draft, summary="Anna's summary.", draft_version="0")
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.summary == "Boris's newer summary."


def test_a_stale_page_that_holds_what_is_saved_submits(client, draft, members):
    """The page's own autosave, still on its way when the page was reloaded (a file uploaded right
    after typing), bumps the version after the page was drawn: nothing differs, so nothing to merge."""
    first, _second = members
    client.force_login(first)
    client.post(_edit(draft, "applications:autosave"), _post_data(draft, draft_version="0"), HTTP_HX_REQUEST="true")
    draft.refresh_from_db()
    assert draft.draft_version == 1
    response = client.post(_edit(draft, "applications:submit"), _post_data(draft, draft_version="0"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_a_stale_page_that_differs_only_in_its_budget_is_still_refused(client, draft, members):
    first, second = members
    stale = _post_data(draft, draft_version="0")  # the page as it was loaded, its budget line unchanged
    client.force_login(second)
    client.post(_edit(draft), _post_data(draft, draft_version="0", **{"lines-0-description": "Boris's line"}))
    client.force_login(first)
    response = client.post(_edit(draft), stale)
    assert response.status_code == 409
    assert draft.budget_lines.get().description == "Boris's line"
