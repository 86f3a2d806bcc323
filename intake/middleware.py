"""The request size, limited in the app as well as at the proxy (docs/configuration.md: client_max_body_size).

A form post larger than REQUEST_MAX_BYTES is read without its files: the form then says the attachments were
too large and keeps everything typed (intake.forms.AttachmentsMixin). Any other body that large is refused
with a short Dutch message (413). Must come before CsrfViewMiddleware, which reads the form.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.utils.translation import gettext as _


class SkipFilesUploadHandler(FileUploadHandler):
    """Reads the form's fields and drops every file unread."""

    def new_file(self, *args, **kwargs):
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            if request.content_type != "multipart/form-data":
                return HttpResponse(
                    _("Wat u verstuurt is te groot. Probeer het opnieuw met minder of kleinere bijlagen."),
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
            request.upload_handlers = [SkipFilesUploadHandler(request)]
            request.uploads_too_large = True
        return self.get_response(request)
