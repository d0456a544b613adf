"""Receiving an upload when the disk is full. Django streams a large upload into a temporary file
while it reads the request (before any view runs, as soon as the CSRF check reads the form); on a
full disk that write raises OSError and the user would get a bare 500. This handler keeps the
error on the request, removes its temporary file and skips the file: the upload view then answers
with a clear message (JSON for the page's XMLHttpRequest), like any other storage fault."""

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class TemporaryFileUploadHandlerReportingDiskErrors(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as exc:
            self._failed(exc)

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as exc:
            self._failed(exc)

    def file_complete(self, file_size):
        try:
            return super().file_complete(file_size)
        except OSError as exc:
            self.upload_interrupted()
            self._remember(exc)
            return None

    def _remember(self, exc: OSError) -> None:
        if self.request is not None:
            self.request.upload_error = exc

    def _failed(self, exc: OSError):
        self._remember(exc)
        try:
            self.upload_interrupted()
        except OSError:
            pass
        raise SkipFile() from exc
