"""Where attachments are stored: outside any public root, under names that reveal nothing."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
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


def private_storage():
    return PrivateStorage()


def attachment_path(instance, filename):
    # The stored name reveals nothing: the original name is kept in the database only.
    return f"attachments/{uuid.uuid4().hex}"
