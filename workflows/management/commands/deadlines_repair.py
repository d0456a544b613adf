"""Find the open tasks whose due date disagrees with the working-day calendar (e.g. stamped by a
server that still had an old calendar) and, with --apply, re-stamp them. A dry run by default."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from workflows.deadlines import deadlines_repair


class Command(BaseCommand):
    help = "Tìm (và với --apply thì sửa) hạn xử lý của các việc đang mở không khớp với lịch làm việc."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Re-stamp the wrong due dates (default: dry run).")

    def handle(self, *args, apply, **options):
        rows = deadlines_repair(apply=apply)
        for row in rows:
            self.stdout.write(f"dossier #{row['dossier']} task {row['task']} ({row['step']}): "
                              f"{timezone.localtime(row['stored']):%d/%m/%Y %H:%M} -> "
                              f"{timezone.localtime(row['right']):%d/%m/%Y %H:%M}")
        verb = "repaired" if apply else "would repair (dry run; --apply to write)"
        self.stdout.write(f"deadlines_repair: {len(rows)} due dates {verb}")
