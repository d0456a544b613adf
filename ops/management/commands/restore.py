from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore an archive made by `manage.py backup`: the database into --database-url (default: the "
            "configured database), the documents into --media-root (default: the configured storage), the "
            "signing key and certificate into --signing-dir (default: not written). Nothing is overwritten "
            "without --force: restore into a scratch database first and check it.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", help="postgres://…/scratch or sqlite:////path/restored.sqlite3")
        parser.add_argument("--create-database", action="store_true", help="CREATE DATABASE first (PostgreSQL).")
        parser.add_argument("--media-root", type=Path, help="Folder for the documents (a local folder).")
        parser.add_argument("--signing-dir", type=Path, help="Folder for key.pem and cert.pem.")
        parser.add_argument("--force", action="store_true", help="Overwrite a non-empty database, documents, keys.")

    def handle(self, *args, archive, database_url, create_database, media_root, signing_dir, force, **options):
        try:
            report = restore_backup(archive, database_url=database_url, media_root=media_root,
                                    signing_dir=signing_dir, create_database=create_database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report["manifest"]
        self.stdout.write(f"Restored backup of {manifest['created']}: database -> {report['database']}, "
                          f"{report['media']} documents, signing files: {', '.join(report['signing']) or 'not written'}")
