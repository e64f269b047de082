"""The staff's way to a programme's file since exports are prepared in the background: ask for it
(POST, the task runs eagerly once the request's transaction commits), then download it."""

from django.test import TestCase
from django.urls import reverse

from projects.models import ProgrammeExport


def exports_url(programme) -> str:
    return reverse("projects:staff_programme_exports", kwargs={"pk": programme.pk})


def request_export(client, programme, what, file_format, *, language="en", phase=None):
    """The answer to the request (a redirect to the list, or the page with the form's errors)."""
    data = {"what": what, "file_format": file_format, "language": language, "phase": phase.pk if phase else ""}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(exports_url(programme), data)


def latest(programme) -> ProgrammeExport:
    return ProgrammeExport.objects.filter(programme=programme).latest("pk")


def download_url(export) -> str:
    return reverse(
        "projects:staff_programme_export_download", kwargs={"pk": export.programme_id, "export_pk": export.pk}
    )


def export_download(client, programme, what, file_format, **kwargs):
    """Ask for the file and download it: the download's response."""
    response = request_export(client, programme, what, file_format, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    export = latest(programme)
    assert export.status == ProgrammeExport.Status.READY, (export.status, export.message)
    return client.get(download_url(export))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
