"""Where attachments are stored: outside any public root, under names that reveal nothing.

Local files under ``settings.PRIVATE_MEDIA_ROOT`` by default; a private bucket on S3-compatible
object storage (AWS, MinIO, Ceph, Scaleway ...) when ``settings.PRIVATE_S3["bucket"]`` is set,
so several web machines share the files. Either way a file is only ever read by the views that
check permission and stream it (``FileResponse``); no address of the bucket reaches a browser.
The backend is chosen at each use, not at import, because the model field holds one storage.
"""

import functools
import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible


class LocalPrivateStorage(FileSystemStorage):
    """Files outside any public root, at ``settings.PRIVATE_MEDIA_ROOT`` (read at use, not import)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


@functools.cache
def _s3_storage(bucket, endpoint_url, region, access_key, secret_key, prefix):
    from storages.backends.s3 import S3Storage  # only needed when a bucket is configured

    return S3Storage(
        bucket_name=bucket,
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        access_key=access_key or None,
        secret_key=secret_key or None,
        location=prefix,
        default_acl="private",
        querystring_auth=True,
        querystring_expire=60,
        file_overwrite=False,
        addressing_style="path",
    )


def backend() -> Storage:
    config = settings.PRIVATE_S3
    if not config.get("bucket"):
        return LocalPrivateStorage()
    return _s3_storage(
        config["bucket"],
        config.get("endpoint_url", ""),
        config.get("region", ""),
        config.get("access_key", ""),
        config.get("secret_key", ""),
        config.get("prefix", ""),
    )


@deconstructible(path="applications.storage.PrivateStorage")
class PrivateStorage(Storage):
    """Hands every call to the backend configured now (local folder or private bucket)."""

    def _open(self, name, mode="rb"):
        return backend().open(name, mode)

    def _save(self, name, content):
        return backend().save(name, content)

    def get_available_name(self, name, max_length=None):
        return backend().get_available_name(name, max_length=max_length)

    def delete(self, name):
        backend().delete(name)

    def exists(self, name):
        return backend().exists(name)

    def size(self, name):
        return backend().size(name)

    def listdir(self, path):
        return backend().listdir(path)

    def url(self, name):
        raise NotImplementedError("Attachments are served only by the views that check permission.")


def private_storage():
    return PrivateStorage()


def attachment_path(instance, filename):
    # The stored name reveals nothing: the original name is kept in the database only.
    return f"attachments/{uuid.uuid4().hex}"
