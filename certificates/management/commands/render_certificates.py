"""python manage.py render_certificates --decision 1234/QĐ-UBND --out bang-khen.pdf [--blank] [--workers 2]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import rendering, signing
from certificates.models import Decision


class Command(BaseCommand):
    help = "Print every certificate of a decision into one signed PDF (for operators)."

    def add_arguments(self, parser):
        parser.add_argument("--decision", required=True, help="Số quyết định, ví dụ 1234/QĐ-UBND")
        parser.add_argument("--out", required=True, help="Tệp PDF ghi ra")
        parser.add_argument("--blank", action="store_true", help="Chỉ in phần chữ lên phôi in sẵn")
        parser.add_argument("--workers", type=int, default=None, help="Số tiến trình in (mặc định: 2)")
        parser.add_argument("--unsigned", action="store_true", help="Không ký số")

    def handle(self, *args, decision, out, blank, workers, unsigned, **options):
        matches = list(Decision.objects.select_related("award_form__campaign", "issuing_unit").filter(number=decision))
        if not matches:
            raise CommandError(f"Không có quyết định số {decision}.")
        if len(matches) > 1:
            raise CommandError(f"Có {len(matches)} quyết định cùng số {decision} (của các cơ quan khác nhau).")
        found = matches[0]
        total = found.certificates.count()

        def progress(done):
            self.stderr.write(f"\r{done}/{total}", ending="")

        data = rendering.certificates_pdf(found, blank=blank, workers=workers, progress=progress)
        if not unsigned:
            data = signing.sign_pdf(data, reason=f"Bằng khen theo Quyết định số {found.number}", location=found.place)
        Path(out).write_bytes(data)
        self.stderr.write("")
        self.stdout.write(f"{total} bằng khen → {out} ({len(data) / 1e6:.1f} MB)")
