"""Verify the hash chains of the append-only records and the triggers that protect them; name the first
row altered or removed. Records the result (AuditCheck), which the readiness endpoint reports."""

from django.core.management.base import BaseCommand, CommandError

from dossiers import audit


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký hồ sơ và sổ vàng (chuỗi băm, trigger chống sửa/xóa)."

    def handle(self, *args, **options):
        check = audit.run_check()
        if not check.ok:
            raise CommandError("audit_verify: " + check.problem.replace("\n", "; "))
        self.stdout.write(f"audit_verify: OK — {check.rows_checked} rows, {check.duration_ms} ms")
