"""manage.py load_rulebook FILE — read, check and load a rulebook file (rulebooks/*.yaml)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dossiers.rulebooks import RulebookError, load_file


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class Command(BaseCommand):
    help = ("Load a rulebook file (campaign, award forms, paths, documents, targets). Every error is "
            "reported with its line; a file with an error loads nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--window", nargs=2, type=_day, metavar=("OPENS", "CLOSES"),
                            help="Receive dossiers between these days instead of the file's window (YYYY-MM-DD).")

    def handle(self, *args, file, window=None, **options):
        try:
            campaign = load_file(file, window=tuple(window) if window else None)
        except FileNotFoundError:
            raise CommandError(f"load_rulebook: không có tệp {file}") from None
        except RulebookError as exc:
            raise CommandError("\n".join(["load_rulebook: tệp có lỗi, không nạp gì:", *exc.lines()])) from None
        forms = ", ".join(f"{f.code} ({' → '.join(r.step for r in f.step_rules.all())})"
                          for f in campaign.award_forms.all())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp {campaign.rulebook}: {campaign}. Hình thức: {forms}."))
