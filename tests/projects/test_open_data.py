"""The 360Giving export: valid against the package schema 1.4 (resolved locally, no network), marked
as re-granting, and anonymous for confidential and emergency calls."""

import csv
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from projects.open_data import STANDARD_DIR
from tests.factories import (
    CompetitionFactory,
    GroupFactory,
    ProgrammeFactory,
    RegionFactory,
    funded_application,
    member_of,
    staff_user,
)
from tests.projects.export_flow import body, export_download, exports_url, latest, request_export

pytestmark = pytest.mark.django_db
GRANT_SCHEMA_URL = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"


def _validator():
    package = json.loads((STANDARD_DIR / "360-giving-package-schema.json").read_text())
    # The schemas name their dialect "http://json-schema.org/draft/2020-12/schema" (not https), which
    # referencing does not recognise: say which it is.
    grant = DRAFT202012.create_resource(json.loads((STANDARD_DIR / "360-giving-schema.json").read_text()))
    registry = Registry().with_resources([(GRANT_SCHEMA_URL, grant), (grant.id(), grant)])
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _codes(name):
    with (STANDARD_DIR / name).open(encoding="utf-8") as codelist:
        return {row["Code"] for row in csv.DictReader(codelist)}


def _call(programme, **kwargs):
    start = timezone.localdate() - timedelta(days=100)
    return CompetitionFactory(
        programme=programme, project_start_earliest=start, project_end_latest=start + timedelta(days=500), **kwargs
    )


@pytest.fixture
def programme(settings):
    settings.GIVING360_PREFIX = "xi-test"
    programme = ProgrammeFactory(name="Neighbourhoods")
    staff = staff_user()
    open_call = _call(programme, title="Open courtyards")
    secret_call = _call(programme, title="Safe spaces", confidential=True, description="Support for civic groups.")
    emergency_call = _call(programme, title="Flood relief", kind="emergency", description="Help after the floods.")
    funded_application(
        competition=open_call,
        amount=Decimal("1200.50"),
        staff=staff,
        group=GroupFactory(name="Green Street Friends", region=RegionFactory(name="Mazowieckie")),
        title="A garden on Green Street",
    )
    hidden = GroupFactory(
        name="Hidden Valley Circle", contact_email="circle@secret.example", region=RegionFactory(name="Harkiv district")
    )
    member_of(hidden, user__first_name="Olena", user__last_name="Kovalenko", user__email="olena@secret.example")
    funded_application(
        competition=secret_call,
        amount=Decimal("900"),
        staff=staff,
        group=hidden,
        title="Shelter for the Hidden Valley",
        summary="Olena Kovalenko runs a shelter in Harkiv district.",
    )
    flooded = GroupFactory(name="Riverside Helpers", region=RegionFactory(name="Kłodzko county"))
    funded_application(competition=emergency_call, amount=Decimal("300"), staff=staff, group=flooded, title="Pumps")
    return programme


def _export(programme, tmp_path):
    out = tmp_path / "grants.json"
    call_command("export_360giving", programme=programme.pk, output=str(out))
    return out.read_text(encoding="utf-8")


def test_package_validates_against_the_360giving_schema(programme, tmp_path):
    package = json.loads(_export(programme, tmp_path))
    errors = [error.message for error in _validator().iter_errors(package)]
    assert errors == []
    assert len(package["grants"]) == 3
    assert {grant["regrantType"] for grant in package["grants"]} <= _codes("regrantType.csv")
    assert {grant["locationScope"] for grant in package["grants"]} <= _codes("locationScope.csv")
    assert all(grant["id"].startswith("360G-xi-test-") for grant in package["grants"])
    named = next(g for g in package["grants"] if g["title"] == "A garden on Green Street")
    assert named["recipientOrganization"][0]["name"] == "Green Street Friends"
    assert named["amountAwarded"] == 1200.5


def test_the_validator_does_reject_a_broken_grant(programme, tmp_path):
    package = json.loads(_export(programme, tmp_path))
    del package["grants"][0]["amountAwarded"]
    assert list(_validator().iter_errors(package))


def test_confidential_and_emergency_grantees_are_anonymous(programme, tmp_path):
    text = _export(programme, tmp_path)
    for secret in (
        "Hidden Valley",
        "Olena",
        "Kovalenko",
        "secret.example",
        "Harkiv",
        "Riverside Helpers",
        "Kłodzko",
        "Pumps",
    ):
        assert secret not in text
    grants = {g["description"]: g for g in json.loads(text)["grants"]}
    hidden = grants["Support for civic groups."]
    recipient = hidden["recipientOrganization"][0]
    assert recipient["name"] == "Anonymous community group"
    assert recipient["id"].startswith("360G-xi-test-") and len(recipient["id"]) == len("360G-xi-test-") + 16
    assert hidden["beneficiaryLocation"] == [{"name": "PL", "countryCode": "PL"}]
    assert "Help after the floods." in grants
    # Stable: the same group keeps the same pseudonymous id in the next file.
    again = {g["description"]: g for g in json.loads(_export(programme, tmp_path))["grants"]}
    assert again["Support for civic groups."]["recipientOrganization"][0]["id"] == recipient["id"]


def test_empty_programme_gives_a_clear_message(client, tmp_path):
    empty = ProgrammeFactory(name="Nothing yet")
    with pytest.raises(CommandError, match="no awarded grants yet"):
        call_command("export_360giving", programme=empty.pk, output=str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
    client.force_login(staff_user())
    request_export(client, empty, "360giving", "json")
    assert latest(empty).status == "empty"
    assert "no awarded grants yet" in client.get(exports_url(empty)).content.decode()


def test_staff_download(client, programme):
    client.force_login(staff_user())
    response = export_download(client, programme, "360giving", "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="360giving-programme-{programme.pk}.json"'
    assert response["Cache-Control"] == "private, no-store"
    assert not list(_validator().iter_errors(json.loads(body(response))))
