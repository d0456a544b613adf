"""manage.py load_regime [FILE...] — read, check and load legal-regime and base-salary files
(regimes/*.yaml; all of them when no file is named)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dossiers.regimes import RegimeError, load_file, parse, shipped_files


class Command(BaseCommand):
    help = ("Load legal regimes (texts, forms, prize multiples, limits) and base salaries from regimes/*.yaml. "
            "Every error is reported with its line; when any file has an error nothing is loaded.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files=(), **options):
        paths = list(files) or shipped_files()
        errors = []
        for path in paths:  # check every file first: one bad file loads nothing
            try:
                with open(path, encoding="utf-8") as handle:
                    parse(handle.read(), source=str(path).rsplit("/", 1)[-1])
            except FileNotFoundError:
                errors.append(f"không có tệp {path}")
            except RegimeError as exc:
                errors.extend(exc.lines())
        if errors:
            raise CommandError("\n".join(["load_regime: tệp có lỗi, không nạp gì:", *errors]))
        try:
            with transaction.atomic():
                results = [load_file(path) for path in paths]
        except RegimeError as exc:
            raise CommandError("\n".join(["load_regime: không nạp gì:", *exc.lines()])) from None
        for what, added in results:
            self.stdout.write(self.style.SUCCESS(f"{what}: " + (f"đã nạp ({added} dòng mới)." if added else
                                                                "đã có, không đổi.")))
