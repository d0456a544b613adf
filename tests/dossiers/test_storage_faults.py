"""Storage faults during an upload: a disk that fills up mid-write (a real FileSystemStorage that
raises ENOSPC after writing part of the file), a storage that is down, a failure after the file
was written. Each gives a clear Vietnamese message (JSON for the page's XMLHttpRequest), no
document row and no file left behind; `storage_orphans` finds and removes what a crash leaves."""

import errno
import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dossiers.errors import ServiceUnavailable, StorageFull
from dossiers.models import Document, DossierEvent
from dossiers.services import document_upload
from tests.conftest import PDF
from workflows import services
from workflows.walk import add_nominees

pytestmark = pytest.mark.django_db
# Bigger than what fits on the "disk" below (64 KiB).
BIG_PDF = PDF + b"%" + b"0" * 300_000 + b"\n"


class DiskFullStorage(FileSystemStorage):
    """The real local storage on a disk that fills up: the first chunk is written, the next one
    fails with ENOSPC, as os.write does when the disk is full."""

    def _save(self, name, content):
        return super()._save(name, _FillsUp(content))


class BrokenStorage(FileSystemStorage):
    """A storage whose backend fails before writing anything (EIO, as an unreachable NFS mount)."""

    def _save(self, name, content):
        raise OSError(errno.EIO, "Input/output error")


class _FillsUp:
    def __init__(self, content):
        self.content = content

    def __getattr__(self, name):
        return getattr(self.content, name)

    @property
    def temporary_file_path(self):  # force the chunked write path, never a rename
        raise AttributeError

    def chunks(self, chunk_size=None):
        written = 0
        for chunk in self.content.chunks():
            for start in range(0, len(chunk), 64 * 1024):
                if written >= 64 * 1024:     # the disk is full after the first 64 KiB
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                piece = chunk[start:start + 64 * 1024]
                written += len(piece)
                yield piece


def _use_storage(settings, backend):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.{backend}"}}


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_disk_full_mid_write_leaves_no_row_and_no_partial_file(world, dossier, settings):
    _use_storage(settings, "DiskFullStorage")
    events = DossierEvent.objects.count()
    with pytest.raises(StorageFull) as err:
        document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", BIG_PDF),
                        document_type=world.types["to-trinh"])
    assert "hết dung lượng" in str(err.value) and "to-trinh.pdf" in str(err.value)
    assert Document.objects.count() == 0
    assert DossierEvent.objects.count() == events
    assert media_files(settings) == []


def test_disk_full_answers_the_upload_xhr_with_json_507(world, dossier, settings):
    _use_storage(settings, "DiskFullStorage")
    response = _client(world.alice).post(
        reverse("dossiers:upload", args=[dossier.pk]),
        {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", BIG_PDF)},
        headers={"x-requested-with": "XMLHttpRequest", "accept": "application/json"})
    assert response.status_code == 507
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["ok"] is False and "hết dung lượng" in body["error"]
    assert (Document.objects.count(), media_files(settings)) == (0, [])


def test_disk_full_without_javascript_shows_the_page_with_the_message(world, dossier, settings):
    _use_storage(settings, "DiskFullStorage")
    response = _client(world.alice).post(
        reverse("dossiers:upload", args=[dossier.pk]),
        {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", BIG_PDF)})
    assert response.status_code == 507
    assert "hết dung lượng" in response.content.decode()
    assert (Document.objects.count(), media_files(settings)) == (0, [])


def test_storage_error_is_503_with_a_message(world, dossier, settings):
    _use_storage(settings, "BrokenStorage")
    response = _client(world.alice).post(
        reverse("dossiers:upload", args=[dossier.pk]),
        {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", PDF)},
        headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 503
    assert "kho lưu trữ hồ sơ đang gặp sự cố" in response.json()["error"]
    with pytest.raises(ServiceUnavailable):
        document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("a.pdf", PDF),
                        document_type=world.types["to-trinh"])
    assert (Document.objects.count(), media_files(settings)) == (0, [])


def test_failure_after_the_write_deletes_the_file(world, dossier, settings, monkeypatch):
    """The file is written, then creating the row fails (here: the event log refuses): the
    transaction rolls back and the written file is deleted."""
    from dossiers.services import documents

    def refuse(**kwargs):
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr(documents, "record_event", refuse)
    with pytest.raises(RuntimeError):
        document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", PDF),
                        document_type=world.types["to-trinh"])
    assert (Document.objects.count(), media_files(settings)) == (0, [])


def test_a_good_upload_still_writes_one_file(world, dossier, settings):
    document = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", BIG_PDF),
                               document_type=world.types["to-trinh"])
    files = media_files(settings)
    assert [f.relative_to(settings.MEDIA_ROOT).as_posix() for f in files] == [document.file.name]
    assert files[0].read_bytes() == BIG_PDF


def _age(path: Path, minutes: int):
    past = time.time() - minutes * 60
    os.utime(path, (past, past))


def test_storage_orphans_lists_then_deletes_only_old_orphans(world, dossier, settings):
    kept = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", PDF),
                           document_type=world.types["to-trinh"])
    root = Path(settings.MEDIA_ROOT)
    folder = root / "dossiers" / str(dossier.pk)
    old_orphan, partial, in_flight = folder / "0", folder / "deadbeef", folder / "cafebabe"
    old_orphan.write_bytes(PDF)
    partial.write_bytes(b"")                      # what a crash mid-write leaves
    in_flight.write_bytes(PDF[:10])               # an upload whose row is not committed yet
    _age(old_orphan, 120)
    _age(partial, 90)
    _age(root / kept.file.name, 300)              # old, but referenced: never touched

    out = io.StringIO()
    call_command("storage_orphans", stdout=out)
    text = out.getvalue()
    assert f"orphan: dossiers/{dossier.pk}/0 " in text and f"orphan: dossiers/{dossier.pk}/deadbeef " in text
    assert f"young, kept: dossiers/{dossier.pk}/cafebabe" in text
    assert kept.file.name not in text
    assert "storage_orphans: 3 orphan files" in text and "0 deleted" in text and "dry run" in text
    assert old_orphan.exists() and partial.exists()

    out = io.StringIO()
    call_command("storage_orphans", "--delete", stdout=out)
    assert "storage_orphans: 3 orphan files" in out.getvalue() and "2 deleted" in out.getvalue()
    assert not old_orphan.exists() and not partial.exists()
    assert in_flight.exists() and (root / kept.file.name).exists()


def test_storage_orphans_reports_missing_and_wrong_size_files(world, dossier, settings):
    first = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("a.pdf", PDF),
                            document_type=world.types["to-trinh"])
    second = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("b.pdf", PDF),
                             document_type=world.types["bien-ban-hop-xet"])
    root = Path(settings.MEDIA_ROOT)
    (root / first.file.name).unlink()
    (root / second.file.name).write_bytes(PDF[:100])
    out = io.StringIO()
    call_command("storage_orphans", stdout=out)
    text = out.getvalue()
    assert f"missing: document {first.pk}" in text
    assert f"wrong size: document {second.pk}" in text and f"(100 bytes, {len(PDF)} recorded)" in text
    assert "1 documents missing their file, 1 with a wrong size" in text


class _FullDiskFile:
    """A real temporary file on a disk with 64 KiB left: writes past that raise ENOSPC."""

    def __init__(self, file):
        self._file, self._written = file, 0

    def __getattr__(self, name):
        return getattr(self._file, name)

    def write(self, data):
        if self._written + len(data) > 64 * 1024:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._written += len(data)
        return self._file.write(data)


from dossiers.uploadhandlers import TemporaryFileUploadHandlerReportingDiskErrors  # noqa: E402


class FullTempDiskHandler(TemporaryFileUploadHandlerReportingDiskErrors):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file.file = _FullDiskFile(self.file.file)


def test_disk_full_while_receiving_the_upload_is_507_json_not_500(world, dossier, settings, tmp_path):
    """A large upload is streamed to a temporary file while the CSRF check reads the form, before
    the view runs: a full disk there is reported by the view like any storage fault."""
    temp = tmp_path / "upload-tmp"
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                                     f"{__name__}.FullTempDiskHandler"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    client.get(reverse("dossiers:detail", args=[dossier.pk]))
    response = client.post(
        reverse("dossiers:upload", args=[dossier.pk]),
        {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", BIG_PDF),
         "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 507, response.content[:300]
    assert "hết dung lượng" in response.json()["error"]
    assert (Document.objects.count(), media_files(settings), list(temp.iterdir())) == (0, [], [])


class UnreadableStorage(FileSystemStorage):
    """The local storage whose disk fails on reading (EIO)."""

    def _open(self, name, mode="rb"):
        raise OSError(errno.EIO, os.strerror(errno.EIO))


def test_a_document_the_storage_cannot_read_is_a_503_page_and_no_download_event(world, dossier, settings):
    document = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", PDF),
                               document_type=world.types["to-trinh"])
    _use_storage(settings, "UnreadableStorage")
    response = _client(world.alice).get(reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == 503
    assert "Kho lưu trữ hồ sơ đang gặp sự cố" in response.content.decode()
    assert not DossierEvent.objects.filter(kind="download").exists()   # nothing was read
