"""Excel export of a campaign report (openpyxl): one sheet per table shown on the reports page."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .documents import consolidated_rows
from .selectors import campaign_report, evaluation_rows


def _sheet(book, title, header, rows, widths=None):
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = book.create_sheet(title=title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B3261E")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else (str(v) if isinstance(v, Promise) else v)
                      for v in row])
    for i, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def campaign_workbook(campaign, user=None) -> bytes:
    import openpyxl

    report = campaign_report(campaign, user)
    book = openpyxl.Workbook()
    book.remove(book.active)
    summary = report["evaluation"]
    _sheet(book, _("Tổng quan"), [_("Mục"), _("Giá trị")], [
        [_("Đợt thi đua"), str(campaign)],
        [_("Xuất lúc"), timezone.localtime().strftime("%d/%m/%Y %H:%M")],
        [_("Tập thể đạt tiêu chí"), summary.get("passed", 0)],
        [_("Tập thể không đạt"), summary.get("failed", 0)],
        [_("Tập thể không đạt, có ý kiến vượt quyền"), summary.get("overridden", 0)],
        [_("Tập thể chưa đối chiếu"), summary.get("pending", 0)],
    ], [42, 80])
    levels = report["status"]["levels"]
    _sheet(book, _("Hồ sơ theo trạng thái"),
           [_("Trạng thái")] + [lv.name for lv in levels] + [_("Tổng hồ sơ"), _("Tập thể"), _("Cá nhân")],
           [[r["status"], *r["by_level"], r["total"], r["collectives"], r["individuals"]]
            for r in report["status"]["rows"]], [38] + [12] * (len(levels) + 3))
    _sheet(book, _("Đúng hạn theo bước"),
           [_("Bước"), _("Đã xong"), _("Đang mở"), _("Đúng hạn"), _("Tỷ lệ đúng hạn (%)"), _("Số ngày xử lý TB")],
           [[s["label"], s["done"], s["open"], s["on_time"], s["rate"], s["avg_days"]]
            for s in report["timeliness"]["steps"]], [36, 10, 10, 10, 18, 18])
    _sheet(book, _("Thời gian theo đơn vị"),
           [_("Đơn vị xử lý"), _("Đã xong"), _("Tỷ lệ đúng hạn (%)"), _("Số ngày xử lý TB")],
           [[u["label"], u["done"], u["rate"], u["avg_days"]] for u in report["timeliness"]["units"]],
           [42, 10, 18, 18])
    _sheet(book, _("Tỷ lệ đạt tiêu chí"),
           [_("Tiêu chí"), _("Đạt"), _("Không đạt"), _("Chưa xác định"), _("Tỷ lệ đạt (%)")],
           [[c["name"], c["passed"], c["failed"], c["unknown"], c["rate"]] for c in report["criteria"]],
           [70, 8, 10, 14, 14])
    _sheet(book, _("Khen thưởng theo hình thức"), [_("Hình thức"), _("Tập thể"), _("Cá nhân"), _("Tổng")],
           [[a["name"], a["collectives"], a["individuals"], a["total"]] for a in report["awards"]], [50, 10, 10, 10])
    _sheet(book, _("Đối chiếu từng đối tượng"),
           [_("Hồ sơ số"), _("Đơn vị đề nghị"), _("Cấp"), _("Loại"), _("Tập thể / cá nhân"), _("Trạng thái hồ sơ"),
            _("Tiêu chí"), _("Kết quả (%)"), _("Yêu cầu (%)"), _("Đánh giá"), _("Nguồn số liệu"),
            _("Phiên bản số liệu"), _("Vượt quyền")],
           [[r["dossier"], r["unit"], r["level"], r["kind"], r["name"], r["status"], r["criterion"], r["value"],
             r["threshold"], r["passed"], r["source"], r["version"], r["override"]] for r in evaluation_rows(campaign, user)],
           [9, 30, 10, 9, 30, 24, 50, 11, 11, 11, 50, 9, 40])
    _sheet(book, _("Danh sách tổng hợp"),
           [_("TT"), _("Tập thể / cá nhân"), _("Loại"), _("Chức vụ"), _("Đơn vị đề nghị"), _("Cấp"),
            _("Phiếu đồng ý"), _("Tỷ lệ số hóa"), _("Đối chiếu tiêu chí"), _("Vượt quyền")],
           [[i, r["name"], r["kind"], r["position"], r["unit"], r["level"], r["votes"], r["rate"], r["evaluation"],
             r["override"]] for i, r in enumerate(consolidated_rows(campaign), start=1)],
           [5, 32, 9, 26, 30, 10, 10, 11, 14, 40])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
