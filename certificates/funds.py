"""The yearly award-fund report (báo cáo chi Quỹ thi đua, khen thưởng): the prize money paid by each decision
signed in a year, per paying unit (the decision's issuing unit) and award form, and per receiving unit; with an
Excel export. Amounts are the ones fixed on the certificates when the decision was issued; a revoked decision
is left out."""

import dataclasses
import io
from collections import defaultdict

from django.db.models import Count, Q, Sum

from dossiers.models import Membership, NomineeKind, Role
from dossiers.rules import is_admin

from .models import Certificate, Decision, DecisionStatus


def fund_scope(user) -> set[int] | None:
    """The units whose fund `user` may see: every unit (None) for Sở Nội vụ and administrators; else the units
    where the user holds a role (the office of the issuing body sees its own decisions)."""
    if not user or not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user, is_active=True)
    if is_admin(user) or memberships.filter(role=Role.HOME_AFFAIRS).exists():
        return None
    return set(memberships.values_list("unit_id", flat=True))


@dataclasses.dataclass
class DecisionLine:
    unit: str
    award_form: str
    number: str
    signed_on: object
    collectives: int
    individuals: int
    amount: int


@dataclasses.dataclass
class FundReport:
    year: int
    decisions: list  # DecisionLine, by paying unit, award form, date
    by_form: list  # (paying unit, award form, decisions, awardees, amount)
    by_receiver: list  # (receiving unit, award form, awardees, amount)
    total: int


def fund_report(*, year: int, units: set[int] | None = None) -> FundReport:
    decisions = (Decision.objects.filter(signed_on__year=year).exclude(status=DecisionStatus.REVOKED)
                 .select_related("issuing_unit", "award_form"))
    if units is not None:
        decisions = decisions.filter(issuing_unit_id__in=units)
    decisions = decisions.annotate(
        amount=Sum("certificates__prize_amount"),
        collectives=Count("certificates", filter=Q(certificates__kind=NomineeKind.COLLECTIVE)),
        individuals=Count("certificates", filter=Q(certificates__kind=NomineeKind.INDIVIDUAL)),
    ).order_by("issuing_unit__name", "award_form__name", "signed_on", "number")
    lines = [DecisionLine(unit=d.issuing_unit.name, award_form=d.award_form.name, number=d.number,
                          signed_on=d.signed_on, collectives=d.collectives, individuals=d.individuals,
                          amount=d.amount or 0) for d in decisions]
    by_form: dict = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        row = by_form[(line.unit, line.award_form)]
        row[0] += 1
        row[1] += line.collectives + line.individuals
        row[2] += line.amount
    receivers = (Certificate.objects.filter(decision__in=[d.pk for d in decisions])
                 .values("nominee__dossier__unit__name", "decision__award_form__name")
                 .annotate(awardees=Count("pk"), amount=Sum("prize_amount"))
                 .order_by("nominee__dossier__unit__name", "decision__award_form__name"))
    return FundReport(
        year=year, decisions=lines,
        by_form=[(unit, form, *values) for (unit, form), values in sorted(by_form.items())],
        by_receiver=[(r["nominee__dossier__unit__name"], r["decision__award_form__name"], r["awardees"],
                      r["amount"] or 0) for r in receivers],
        total=sum(line.amount for line in lines))


def fund_xlsx(report: FundReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()

    def sheet(ws, title, header, rows, widths, money_columns, total_column=None):
        ws.title = title
        ws.append([f"Báo cáo chi tiền thưởng từ Quỹ thi đua, khen thưởng năm {report.year}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append(header)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        first = ws.max_row + 1
        for row in rows:
            ws.append(list(row))
        last = ws.max_row
        if total_column:
            ws.append(["Tổng cộng"] + [None] * (len(header) - 1))
            ws.cell(ws.max_row, total_column).value = sum(r[total_column - 1] or 0 for r in rows)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        for column in money_columns:
            for r in range(first, ws.max_row + 1):
                ws.cell(r, column).number_format = "#,##0"
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[chr(64 + index)].width = width
        ws.freeze_panes = f"A{first}"
        return last

    sheet(wb.active, "Theo quyết định",
          ["Cơ quan chi (ban hành)", "Hình thức", "Số quyết định", "Ngày ký", "Số tập thể", "Số cá nhân",
           "Tiền thưởng (đồng)"],
          [(d.unit, d.award_form, d.number, d.signed_on, d.collectives, d.individuals, d.amount)
           for d in report.decisions], (34, 40, 18, 12, 10, 10, 18), [7], total_column=7)
    for row in wb.active.iter_rows(min_row=4, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    sheet(wb.create_sheet(), "Theo hình thức",
          ["Cơ quan chi (ban hành)", "Hình thức", "Số quyết định", "Số tập thể, cá nhân", "Tiền thưởng (đồng)"],
          report.by_form, (34, 40, 14, 16, 18), [5], total_column=5)
    sheet(wb.create_sheet(), "Theo đơn vị nhận",
          ["Đơn vị đề nghị (nhận thưởng)", "Hình thức", "Số tập thể, cá nhân", "Tiền thưởng (đồng)"],
          report.by_receiver, (40, 40, 16, 18), [4], total_column=4)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
