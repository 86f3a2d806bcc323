"""Uploads that passed the content check survive a form error: they wait here, tied to the session, for at
most STAGED_UPLOAD_MAX_AGE_HOURS (Celery beat runs `purge_staged_uploads_task`)."""

import uuid
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .models import StagedUpload
from .services import UploadData, stored_suffix


class Staged:
    def __init__(self, row: StagedUpload):
        self.row = row
        self.id = str(row.id)
        self.original_name = row.original_name
        self.size = row.size

    def as_upload(self) -> UploadData:
        with self.row.file.open("rb") as handle:
            content = handle.read()
        return UploadData(
            file=SimpleUploadedFile(self.row.original_name, content, self.row.content_type),
            original_name=self.row.original_name,
            content_type=self.row.content_type,
        )


class StagingArea:
    """The staged uploads of this browser session. The session is created only when a file is staged, so a
    visitor who only looks at a form leaves no session row (docs/privacy.md)."""

    def __init__(self, request):
        self.session = request.session

    @property
    def session_key(self) -> str | None:
        return self.session.session_key

    def add(self, upload: UploadData) -> Staged:
        if not self.session.session_key:
            self.session.save()
        row = StagedUpload(
            id=uuid.uuid4(),
            session_key=self.session_key,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.file.size,
        )
        upload.file.seek(0)
        row.file.save(row.id.hex + stored_suffix(upload), upload.file, save=False)
        row.save()
        return Staged(row)

    def get(self, ids: list[str]) -> list[Staged]:
        if not ids or not self.session_key:
            return []
        rows = StagedUpload.objects.filter(session_key=self.session_key, id__in=ids).order_by("created_at")
        return [Staged(r) for r in rows]

    def clear(self, ids: list[str]) -> None:
        if not self.session_key:
            return
        for row in StagedUpload.objects.filter(session_key=self.session_key, id__in=ids):
            row.file.delete(save=False)
            row.delete()


def purge_staged_uploads(older_than: timedelta | None = None) -> int:
    """Delete staged uploads (row and file) older than STAGED_UPLOAD_MAX_AGE_HOURS; returns how many."""
    if older_than is None:
        older_than = timedelta(hours=settings.STAGED_UPLOAD_MAX_AGE_HOURS)
    count = 0
    for row in StagedUpload.objects.filter(created_at__lt=timezone.now() - older_than).iterator():
        row.file.delete(save=False)
        row.delete()
        count += 1
    return count


@shared_task
def purge_staged_uploads_task() -> int:
    return purge_staged_uploads()
