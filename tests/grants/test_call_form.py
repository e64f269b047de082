"""The call's settings form: in sections, the address made from the title, a short list of the
region's time zones before the rest (and none of the non-places such as "Factory")."""

import pytest
from django.urls import reverse

from grants.forms import CALL_SECTIONS, REGION_ZONES, CompetitionForm
from grants.models import Competition
from tests.factories import CompetitionFactory, ProgrammeFactory, staff_user

pytestmark = pytest.mark.django_db


def test_every_field_is_in_exactly_one_section():
    placed = [name for _legend, names in CALL_SECTIONS for name in names]
    assert sorted(placed) == sorted(CompetitionForm.Meta.fields) and len(placed) == len(set(placed))


def test_the_page_shows_the_sections_and_no_field_called_address(client):
    client.force_login(staff_user())
    html = client.get(reverse("grants:staff_call_create")).content.decode()
    for legend in ("The call", "Money", "Dates", "Who may apply", "Review", "Funded projects"):
        assert f"<legend>{legend}</legend>" in html or f">{legend}</legend>" in html, legend
    assert "Name in the web address" in html and ">Address<" not in html
    assert 'data-slug-from="id_title"' in html


def test_time_zones_come_from_the_region_first_and_hide_non_places():
    (region_label, region), (_all_label, everything) = CompetitionForm().fields["time_zone"].choices
    assert [value for value, _label in region] == REGION_ZONES
    values = {value for value, _label in everything}
    assert "America/New_York" in values and not values & {"Factory", "EST5EDT", "Etc/GMT+3", "Europe/Warsaw"}


def _data(**changes):
    programme = ProgrammeFactory()
    base = CompetitionFactory.build(programme=programme)
    data = {f: getattr(base, f) for f in CompetitionForm.Meta.fields if f not in ("eligible_regions", "programme")}
    data.update(programme=programme.pk, opens_at="2027-01-01T09:00", closes_at="2027-02-01T17:00", **changes)
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    for prefix in ("criteria", "indicators", "eligibility"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_an_empty_address_is_made_from_the_title(client):
    client.force_login(staff_user())
    response = client.post(reverse("grants:staff_call_create"), _data(title="Backyard Initiatives 2027", slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Competition.objects.filter(slug="backyard-initiatives-2027").exists()


def test_a_taken_address_is_refused_on_its_field(client):
    CompetitionFactory(slug="backyard-2027")
    client.force_login(staff_user())
    response = client.post(reverse("grants:staff_call_create"), _data(title="Other", slug="backyard-2027"))
    assert response.status_code == 200
    assert "Another call already uses this address" in response.content.decode()
