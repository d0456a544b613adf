"""List (and with --delete remove) files in the document storage that no row refers to.

An upload writes its file, then creates its row; a failure in between deletes the file, but a crash
of the process, or a rollback of a transaction opened around the upload, can leave a file without a
row. This command finds them. Dry run by default. Files younger than --older-than minutes are
reported but never deleted: they may belong to an upload still in flight.

It also reports, without touching them, rows whose file is missing or whose size differs from the
size recorded at upload (a partial or damaged file).
"""

import datetime as dt

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from dossiers.models import Document


def walk(storage, top: str):
    """Every file name under `top` (storage-relative, "/" separated)."""
    try:
        directories, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{top}/{name}" if top else name
    for directory in directories:
        yield from walk(storage, f"{top}/{directory}" if top else directory)


def referenced_names() -> set[str]:
    """Every name a FileField of any model stores (documents, rendered PDFs, letters, …)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(n for n in model._base_manager.exclude(**{field.name: ""})
                             .values_list(field.name, flat=True).iterator() if n)
    return names


class Command(BaseCommand):
    help = "Files in the document storage that no document row refers to (dry run unless --delete)."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove the orphan files (default: only list)")
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES",
                            help="delete only orphans at least this old (default 60: uploads in flight are kept)")
        parser.add_argument("--prefix", default="dossiers",
                            help="storage folder to scan (default: dossiers, where uploads are written)")

    def handle(self, *args, delete=False, older_than=60, prefix="dossiers", **options):
        storage = default_storage
        referenced = referenced_names()
        cutoff = timezone.now() - dt.timedelta(minutes=older_than)
        orphans = young = deleted = 0
        orphan_bytes = 0
        for name in sorted(walk(storage, prefix.strip("/"))):
            if name in referenced:
                continue
            size = storage.size(name)
            modified = storage.get_modified_time(name)
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified, dt.timezone.utc)
            is_young = modified > cutoff
            orphans += 1
            orphan_bytes += size
            young += is_young
            state = "young, kept" if is_young else ("deleted" if delete else "orphan")
            if delete and not is_young:
                storage.delete(name)
                deleted += 1
            self.stdout.write(f"{state}: {name} ({size} bytes, {modified:%Y-%m-%d %H:%M:%S %Z})")
        damaged = missing = 0
        for document in Document.objects.only("pk", "file", "size").iterator():
            if not document.file.name.startswith(prefix.strip("/") + "/"):
                continue
            try:
                actual = storage.size(document.file.name)
            except Exception:  # FileNotFoundError on disk, a client error (404) on S3
                actual = None
            if actual is None:
                missing += 1
                self.stdout.write(f"missing: document {document.pk} {document.file.name}")
            elif actual != document.size:
                damaged += 1
                self.stdout.write(f"wrong size: document {document.pk} {document.file.name} "
                                  f"({actual} bytes, {document.size} recorded)")
        self.stdout.write(f"storage_orphans: {orphans} orphan files ({orphan_bytes} bytes), {young} kept as younger "
                          f"than {older_than} min, {deleted} deleted; {missing} documents missing their file, "
                          f"{damaged} with a wrong size" + ("" if delete else " (dry run: --delete removes them)"))
