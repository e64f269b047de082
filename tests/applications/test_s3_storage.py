"""Attachments on S3-compatible object storage: the round trip against a real S3 server (moto's
standalone server, started here on a free port), with the permission checks of the views."""

import socket

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from applications import storage
from applications.attachments import attachment_create
from tests.applications.test_views import PDF, _upload
from tests.factories import ApplicationFactory, GroupFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

BUCKET = "smallgrants-private"
KEYS = {"access_key": "test-access", "secret_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty private bucket; the site stores attachments in it."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.PRIVATE_S3 = {"bucket": BUCKET, "endpoint_url": s3_endpoint, "region": "us-east-1", **KEYS}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_attachment_goes_to_the_bucket_and_comes_back_only_through_the_checked_views(
    client, bucket, settings, django_capture_on_commit_callbacks
):
    draft = ApplicationFactory()
    member = member_of(draft.group)
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}), {"file": _upload("Budget plan.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = draft.attachments.get()
    assert _keys(bucket) == [attachment.file.name]
    assert "Budget" not in attachment.file.name
    assert bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"], "owner only: nothing public"
    assert not (settings.PRIVATE_MEDIA_ROOT / attachment.file.name).exists(), "nothing on the local disk"
    with pytest.raises(NotImplementedError):
        attachment.file.url  # noqa: B018 - no address of the bucket may reach a page

    url = reverse("applications:attachment_download", kwargs={"pk": attachment.pk})
    download = client.get(url)
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF

    outsider = UserFactory()
    member_of(GroupFactory(), user=outsider)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(reverse("applications:attachment_delete", kwargs={"pk": attachment.pk}))
    assert deleted.status_code == 302
    assert _keys(bucket) == [], "deleted from the bucket after the commit"


def test_without_a_bucket_attachments_are_local_files(settings):
    settings.PRIVATE_S3 = {"bucket": ""}
    assert isinstance(storage.backend(), storage.LocalPrivateStorage)
    draft = ApplicationFactory()
    attachment = attachment_create(
        application=draft, uploaded_file=_upload("plan.pdf", PDF), by=member_of(draft.group), purpose="application"
    )
    assert (settings.PRIVATE_MEDIA_ROOT / attachment.file.name).read_bytes() == PDF
