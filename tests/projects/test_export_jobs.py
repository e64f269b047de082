"""A programme's exports prepared in the background: asked for (audited), built once by the task in
the language asked for, listed (refreshing itself while one is prepared) and downloaded by the staff
member who asked only; empty and failed builds say why; a sweep resends, gives up and purges."""

import io
import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.erasure import account_erase
from applications.erasure import application_anonymise
from applications.models import Application
from audit.models import AuditEntry
from projects import export_jobs, exports
from projects.models import ProgrammeExport
from projects.tasks import export_build
from tests.factories import (
    CompetitionFactory,
    GroupFactory,
    ProgrammeFactory,
    funded_application,
    member_of,
    staff_user,
)
from tests.projects.export_flow import body, download_url, export_download, exports_url, latest, request_export

pytestmark = pytest.mark.django_db
S = ProgrammeExport.Status


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="Green courtyards")
    funded_application(
        competition=CompetitionFactory(programme=programme, title="Courtyards 2026"),
        group=GroupFactory(name="Żółta Łąka"),
        amount=Decimal("800"),
    )
    return programme


@pytest.fixture
def staff(client):
    user = staff_user()
    client.force_login(user)
    return user


def _pending(programme, by, **kwargs):
    fields = {"what": "awards", "file_format": "csv", "language": "en", **kwargs}
    return ProgrammeExport.objects.create(programme=programme, requested_by=by, **fields)


def test_asking_builds_the_file_and_audits_who_asked(client, programme, staff):
    response = request_export(client, programme, "awards", "xlsx")
    assert response.status_code == 302 and response["Location"] == exports_url(programme)
    export = latest(programme)
    assert export.status == S.READY and export.finished_at and export.requested_by == staff
    assert not export.file.name.endswith(".xlsx"), "the stored name reveals nothing"
    entry = AuditEntry.objects.get(action="programme.exported")
    assert entry.actor == staff and entry.data["export"] == export.pk and entry.data["what"] == "awards"
    assert programme.name in entry.message

    page = client.get(exports_url(programme)).content.decode()
    assert download_url(export) in page and "Ready" in page and "hx-trigger" not in page
    download = client.get(download_url(export))
    assert download["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert download["Content-Disposition"] == f'attachment; filename="programme-{programme.pk}-awards.xlsx"'
    assert download["Cache-Control"] == "private, no-store"
    rows = list(load_workbook(io.BytesIO(body(download))).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Call", "Group") and rows[1][2] == "Żółta Łąka"


def test_the_programme_pages_buttons_ask_for_the_files_in_the_pages_language(client, programme, staff):
    programme.phases.create(name="One", starts_on="2026-01-01", ends_on="2026-12-31")
    page = client.get(reverse("projects:staff_programme", kwargs={"pk": programme.pk})).content.decode()
    forms = re.findall(r'<form method="post" action="([^"]+)" class="d-inline">(.*?)</form>', page, re.S)
    assert {action for action, _inner in forms} == {exports_url(programme)}
    asked = [dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', inner)) for _action, inner in forms]
    assert len(asked) == 1 + 2 + 2 + 2 * len(exports.TABLES)  # open data, donor report, its phase, the tables
    assert all(fields["language"] == "en" for fields in asked)
    for fields in asked:
        fields.pop("csrfmiddlewaretoken")
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(exports_url(programme), fields).status_code == 302, fields
    assert ProgrammeExport.objects.count() == len(asked)
    assert ProgrammeExport.objects.filter(phase__isnull=False, what="donor_report").count() == 2
    done = dict(ProgrammeExport.objects.filter(phase=None).values_list("what", "status").order_by("what"))
    assert done["donor_report"] == done["360giving"] == done["awards"] == S.READY


def test_the_file_and_its_messages_are_in_the_language_asked_for(client, programme, staff):
    response = export_download(client, programme, "awards", "csv", language="pl")
    assert body(response).decode("utf-8-sig").startswith("Sygnatura,Nabór,Grupa")  # "Reference,Call,Group"
    empty = ProgrammeFactory(name="Pusty")
    request_export(client, empty, "reports", "csv", language="uk")
    export = latest(empty)
    assert export.status == S.EMPTY and export.message.startswith("У програмі «Pusty»")


def test_an_empty_programme_says_why_and_offers_no_file(client, staff):
    empty = ProgrammeFactory(name="Nothing yet")
    request_export(client, empty, "applications", "csv")
    export = latest(empty)
    assert export.status == S.EMPTY and not export.file
    page = client.get(exports_url(empty)).content.decode()
    assert "Nothing to export" in page and "has nothing to export in" in page
    assert download_url(export) not in page
    assert client.get(download_url(export)).status_code == 404


def test_bad_input_is_the_forms_translated_error(client, programme, staff):
    response = request_export(client, programme, "360giving", "csv")
    assert response.status_code == 200
    assert "is available as JSON" in response.content.decode()
    response = request_export(client, programme, "awards", "json", language="xx")
    assert "Select a valid choice" in response.content.decode()
    assert not ProgrammeExport.objects.exists() and not AuditEntry.objects.filter(action="programme.exported")


def test_delivered_twice_built_once(programme, monkeypatch):
    export = _pending(programme, staff_user())
    built = []
    real = export_jobs._build
    monkeypatch.setattr(export_jobs, "_build", lambda e: built.append(e.pk) or real(e))
    export_build.delay(export.pk)
    export_build.delay(export.pk)
    assert built == [export.pk]
    export.refresh_from_db()
    assert export.status == S.READY


def test_a_failed_build_is_logged_and_says_so(client, programme, staff, monkeypatch, caplog):
    def broken(export):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_jobs, "_build", broken)
    with caplog.at_level(logging.ERROR, logger="projects.export_jobs"):
        request_export(client, programme, "awards", "csv")
    export = latest(programme)
    assert export.status == S.FAILED and not export.file and "could not be made" in export.message
    assert "disk on fire" in caplog.text
    assert "could not be made" in client.get(exports_url(programme)).content.decode()


def test_another_staff_members_export_another_programmes_or_unready_is_404(client, programme, staff):
    mine = _pending(programme, staff)
    export_jobs.export_build(mine.pk)
    theirs = _pending(programme, staff_user())
    export_jobs.export_build(theirs.pk)
    waiting = _pending(programme, staff)
    other = ProgrammeFactory()
    assert client.get(download_url(mine)).status_code == 200
    assert client.get(download_url(theirs)).status_code == 404
    assert client.get(download_url(waiting)).status_code == 404
    elsewhere = reverse("projects:staff_programme_export_download", kwargs={"pk": other.pk, "export_pk": mine.pk})
    assert client.get(elsewhere).status_code == 404
    page = client.get(exports_url(programme)).content.decode()
    assert download_url(mine) in page and download_url(theirs) not in page


def test_a_file_gone_from_storage_is_404(client, programme, staff):
    export = _pending(programme, staff)
    export_jobs.export_build(export.pk)
    export.refresh_from_db()
    export.file.storage.delete(export.file.name)
    assert client.get(download_url(export)).status_code == 404


def test_not_staff_may_neither_ask_nor_list(client, programme):
    group = GroupFactory()
    member = member_of(group)
    client.force_login(member)
    assert request_export(client, programme, "awards", "csv").status_code == 404
    assert client.get(exports_url(programme)).status_code == 404
    client.logout()
    response = client.post(exports_url(programme), {"what": "awards", "file_format": "csv", "language": "en"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not ProgrammeExport.objects.exists() and not AuditEntry.objects.exists()


def test_while_one_is_prepared_the_list_refreshes_itself(client, programme, staff):
    export = _pending(programme, staff)
    page = client.get(exports_url(programme)).content.decode()
    assert 'hx-trigger="every 3s"' in page and "being prepared" in page
    fragment = client.get(exports_url(programme), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="exports-list"') and "<h1" not in fragment
    export_jobs.export_build(export.pk)
    fragment = client.get(exports_url(programme), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and download_url(export) in fragment


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_is_a_constant_number_of_queries(client, programme, staff, count, django_assert_max_num_queries):
    phase = programme.phases.create(name="One", starts_on="2026-01-01", ends_on="2026-12-31")
    ProgrammeExport.objects.bulk_create(
        ProgrammeExport(
            programme=programme, requested_by=staff, what="donor_report", file_format="pdf", language="en", phase=phase
        )
        for _ in range(count)
    )
    with django_assert_max_num_queries(8):
        response = client.get(exports_url(programme))
    assert response.content.decode().count("<tr>") == min(count, 25) + 1


def test_the_sweep_resends_gives_up_and_purges(programme, monkeypatch):
    staff = staff_user()
    now = timezone.now()
    old = _pending(programme, staff)
    export_jobs.export_build(old.pk)
    old.refresh_from_db()
    stored = old.file.name
    assert old.file.storage.exists(stored)
    recent = _pending(programme, staff)
    export_jobs.export_build(recent.pk)
    stuck = _pending(programme, staff, status=S.BUILDING, claimed_at=now - timedelta(minutes=30))
    lost = _pending(programme, staff)
    fresh = _pending(programme, staff)
    ProgrammeExport.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=8))
    ProgrammeExport.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=5))
    sent = []
    monkeypatch.setattr(export_jobs, "publish_task", lambda name, *args, waiting: sent.append((name, args)) or True)

    assert export_jobs.exports_sweep() == {"failed": 1, "resent": 1, "deleted": 1}
    assert sent == [("projects.tasks.export_build", (lost.pk,))]
    assert not ProgrammeExport.objects.filter(pk=old.pk).exists() and not old.file.storage.exists(stored)
    stuck.refresh_from_db()
    assert stuck.status == S.FAILED and "took too long" in stuck.message
    assert ProgrammeExport.objects.get(pk=recent.pk).status == S.READY
    assert ProgrammeExport.objects.get(pk=fresh.pk).status == S.PENDING
    assert export_jobs.exports_sweep()["deleted"] == 0


def test_a_build_the_sweep_gave_up_on_keeps_no_file(programme, monkeypatch):
    export = _pending(programme, staff_user())
    real = export_jobs._build

    def slow(e):
        ProgrammeExport.objects.filter(pk=e.pk).update(status=S.FAILED)  # the sweep, meanwhile
        return real(e)

    monkeypatch.setattr(export_jobs, "_build", slow)
    assert export_jobs.export_build(export.pk) is None
    export.refresh_from_db()
    assert export.status == S.FAILED and not export.file


def test_an_erasure_takes_the_files_that_may_hold_what_it_erases(programme, django_capture_on_commit_callbacks):
    staff, other = staff_user(), staff_user()
    elsewhere = ProgrammeFactory()
    funded_application(competition=CompetitionFactory(programme=elsewhere))
    made = [_pending(programme, staff), _pending(programme, other), _pending(elsewhere, other)]
    for export in made:
        export_jobs.export_build(export.pk)
        export.refresh_from_db()
        assert export.file
    application = Application.objects.get(competition__programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        application_anonymise(application=application, by=staff, reason="The group asked.")
    assert list(ProgrammeExport.objects.all()) == [made[2]]
    assert not any(e.file.storage.exists(e.file.name) for e in made[:2]) and made[2].file.storage.exists(
        made[2].file.name
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=other, by=other)
    assert not ProgrammeExport.objects.exists() and not made[2].file.storage.exists(made[2].file.name)


def test_the_tables_are_the_exports_tables():
    assert set(exports.TABLES) <= set(ProgrammeExport.What.values)
    assert {key: str(label) for key, label in exports.TABLES.items()} == {
        key: str(ProgrammeExport.What(key).label) for key in exports.TABLES
    }
