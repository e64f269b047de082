"""The privacy rule of the public good practices lives in the selector, not in a template: a
confidential call's grantee is never named, its project title and district never shown."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import GoodPractice
from projects.selectors import public_good_practices
from tests.factories import RegionFactory, funded_application, staff_user

pytestmark = pytest.mark.django_db


def _practice(confidential):
    region = RegionFactory(name="Hrodna district", country="BY")
    application = funded_application(
        staff=staff_user(),
        amount=Decimal("700"),
        group__name="Free Choir of Lida",
        region=region,
        title="Songs at dusk",
    )
    application.competition.confidential = confidential
    application.competition.save()
    GoodPractice.objects.create(application=application, summary="Neighbours sang together every week.")
    return application


def test_an_open_calls_practice_names_the_project_group_and_region():
    application = _practice(confidential=False)
    (shown,) = public_good_practices(application.competition.programme)
    assert shown.title == "Songs at dusk"
    assert "Free Choir of Lida" in shown.byline and "Hrodna district" in shown.byline


def test_a_confidential_calls_practice_shows_only_the_call_and_the_country(client):
    application = _practice(confidential=True)
    (shown,) = public_good_practices(application.competition.programme)
    assert shown.title == f"A project of “{application.competition.title}”"
    assert shown.byline == "BY" and shown.summary == "Neighbours sang together every week."
    shown_text = " ".join((shown.title, shown.byline, shown.summary))
    for secret in ("Free Choir of Lida", "Songs at dusk", "Hrodna district"):
        assert secret not in shown_text
    html = client.get(reverse("projects:good_practices", kwargs={"pk": application.competition.programme_id}))
    page = html.content.decode()
    assert "Neighbours sang together" in page
    assert not any(secret in page for secret in ("Free Choir of Lida", "Songs at dusk", "Hrodna district"))
