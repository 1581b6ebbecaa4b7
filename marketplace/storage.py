import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that must never have a public address (applicants' documents).

    They live in PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT (which the web server publishes); a view
    that checks who is asking streams them. The folder is read from settings at each use, as
    Django's own storage does for MEDIA_ROOT.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files are served by a permission-checking view.")


def private_storage():
    # A callable, so that migrations do not record this machine's path.
    return PrivateStorage()
