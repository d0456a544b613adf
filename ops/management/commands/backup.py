from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, or SQLite's online backup), every stored document and the signing "
            "key and certificate into one dated archive: BACKUP_DIR/khenthuong-backup-YYYYMMDD-HHMMSS.tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="Folder for the archive (default BACKUP_DIR).")
        parser.add_argument("--no-media", action="store_true", help="Leave the documents out (database and keys only).")

    def handle(self, *args, output, no_media, **options):
        try:
            path, manifest = create_backup(output or settings.BACKUP_DIR, media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path}")
        self.stderr.write(f"database ({manifest['database']['vendor']}), {len(manifest['media'])} documents, "
                          f"signing: {', '.join(manifest['signing']) or 'none'}; {path.stat().st_size} bytes")
