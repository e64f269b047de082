"""Going back after a form never leaves the site: one helper (config.redirects.redirect_back)."""

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_screening_never_redirects_off_site(client, target):
    application = ApplicationFactory(status="submitted")
    client.force_login(staff_user())
    url = reverse("applications:staff_call_screen", kwargs={"pk": application.competition_id})
    response = client.post(url, {"applications": [application.pk], "action": "eligible", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "applications:staff_call_applications", kwargs={"pk": application.competition_id}
    )
    application.refresh_from_db()
    assert application.screened_at is not None


def test_screening_goes_back_to_a_page_of_this_site(client):
    application = ApplicationFactory(status="submitted")
    client.force_login(staff_user())
    url = reverse("applications:staff_call_screen", kwargs={"pk": application.competition_id})
    back = reverse("applications:detail", kwargs={"pk": application.pk})
    response = client.post(url, {"applications": [application.pk], "action": "eligible", "next": back})
    assert response["Location"] == back


def test_a_new_group_goes_on_to_a_local_next_only(client):
    client.force_login(UserFactory())
    data = {"name": "Yard friends", "kind": "informal", "contact_email": "yard@example.org", "language": "en"}
    from regions.models import Region

    data["region"] = Region.objects.create(name="Lublin", country="PL").pk
    response = client.post(reverse("applications:group_create") + "?next=https://evil.example/", data)
    assert response.status_code == 302 and response["Location"].startswith("/groups/")
