"""The annual statistical report on emulation and commendation (chế độ báo cáo thống kê ngành Nội vụ, Thông tư
02/2023/TT-BNV ngày 23/3/2023, biểu 0601–0605.N/BNV-TĐKT), generated from the decisions and campaigns as one
Excel workbook per year and reporting level.

What the layout follows: the official text of the Thông tư was not available in this session; the biểu codes,
titles, row codes (mã số) and columns follow a published implementation of the same biểu by another provincial
system (headers "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023", "Ngày nhận báo cáo: ngày 15 tháng 12
năm báo cáo"). Whether a 2025 circular replaced it after the ministry merger was not found either. Each sheet says
which of its cells the system fills and how:
- 0601 (Số phong trào thi đua): the campaigns whose emulation period overlaps the year; the level that launched
  it (the province or an agency/commune); its duration; "thường xuyên hằng năm" when it spans a full year, else
  "chuyên đề" (campaigns carry no such field yet).
- 0603 (khen thưởng cấp bộ, tỉnh): the certificates of the decisions signed in the year by a top-level unit (the
  province), not revoked; the column from the award form's prize code (bang-khen, chien-si-thi-dua-tinh,
  co-thi-dua-tinh, huy-hieu); individuals split by the position written on the certificate (a documented
  keyword rule, below); every award counted as "chuyên đề" or "thường xuyên" like its campaign.
- 0602 (cấp nhà nước), 0604 (tổ chức làm công tác TĐKT), 0605 (công chức làm công tác TĐKT): the system holds no
  such data; the sheets keep the layout with empty cells for the office to fill.
"""

import dataclasses
import datetime as dt
import io
import re

from dossiers.models import Campaign, NomineeKind, UnitLevel

from .models import Certificate, DecisionStatus

CIRCULAR = "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ trưởng Bộ Nội vụ"
RECEIVED = "Ngày nhận báo cáo: ngày 15 tháng 12 năm báo cáo"

# 0603: column by the award form's prize code (AwardForm.prize_key)
COLUMNS_0603 = {"bang-khen": 2, "chien-si-thi-dua-tinh": 3, "co-thi-dua-tinh": 4, "huy-hieu": 5}
# individuals by position (lower case, without the unit): first rule that matches
PROVINCIAL_LEADER = re.compile(r"^(phó )?(chủ tịch|bí thư) (ubnd |ủy ban nhân dân |hđnd |tỉnh ủy)?tỉnh|^(phó )?bí thư tỉnh ủy")
DEPARTMENT_LEADER = re.compile(r"^(phó )?(giám đốc|chánh văn phòng ubnd tỉnh|trưởng ban|chánh thanh tra tỉnh)")
OTHER_LEADER = re.compile(r"^(phó )?(trưởng phòng|chánh văn phòng|chủ tịch|bí thư|trưởng|giám đốc|hiệu trưởng|chánh)")


def individual_row(position: str) -> int:
    """The 0603 row of an individual: 06 provincial leader, 07 department leader, 09 other leaders from deputy
    head of division up, 10 people who work directly (everyone else). 08 (doanh nhân) is not recognised."""
    text = " ".join(position.lower().split())
    if PROVINCIAL_LEADER.search(text):
        return 6
    if DEPARTMENT_LEADER.search(text):
        return 7
    if OTHER_LEADER.search(text):
        return 9
    return 10


def is_regular(campaign: Campaign) -> bool:
    """"Thường xuyên hằng năm" when the emulation period spans a year; else "chuyên đề"."""
    return (campaign.period_end - campaign.period_start).days >= 360


def duration_row(campaign: Campaign) -> int:
    days = (campaign.period_end - campaign.period_start).days + 1
    if days < 360:
        return 6
    if days <= 366:
        return 7
    if days < 3 * 365:
        return 8
    if days < 5 * 365:
        return 9
    return 10


@dataclasses.dataclass
class Sheet:
    code: str
    title: str
    unit_label: str
    columns: list  # column headings after the row label and mã số
    rows: list  # (label, code or "", bold)
    values: dict  # (row code, column number) -> int
    note: str
    unknown_rows: frozenset = frozenset()  # rows the system holds no data for: left empty for the office


def _campaign_scope(campaign: Campaign) -> int:
    """0601 column: 3 = the province (a top-level unit) launched it; 4 = an agency, commune or other unit."""
    return 3 if campaign.issuing_unit.parent_id is None else 4


def sheet_0601(year: int, level: UnitLevel | None) -> Sheet:
    campaigns = Campaign.objects.filter(period_start__lte=dt.date(year, 12, 31), period_end__gte=dt.date(year, 1, 1)) \
        .select_related("issuing_unit")
    if level is not None:
        campaigns = campaigns.filter(issuing_unit__level=level)
    values: dict = {}

    def add(row, column):
        values[(row, column)] = values.get((row, column), 0) + 1

    for campaign in campaigns:
        column = _campaign_scope(campaign)
        for row in (1, 3 if column == 3 else 5, duration_row(campaign), 12 if is_regular(campaign) else 11):
            add(row, column)
            add(row, 1)
    rows = [("Tổng số", 1, True), ("1. Chia theo phạm vi tổ chức thi đua", "", True), ("- Toàn quốc", 2, False),
            ("- Bộ, ban, ngành đoàn thể, địa phương", 3, False),
            ("- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức", 4, False),
            ("- Cơ quan, tổ chức, đơn vị", 5, False), ("2. Chia theo thời hạn thi đua", "", True),
            ("- Dưới 1 năm", 6, False), ("- 1 năm", 7, False), ("- Từ 1 năm đến dưới 3 năm", 8, False),
            ("- Từ 3 năm đến dưới 5 năm", 9, False), ("- Từ 5 năm trở lên", 10, False),
            ("3. Chia theo phương thức tổ chức phong trào thi đua", "", True), ("- Thi đua theo chuyên đề", 11, False),
            ("- Thi đua thường xuyên hàng năm", 12, False)]
    return Sheet("0601.N/BNV-TĐKT", "SỐ PHONG TRÀO THI ĐUA", "Đơn vị tính: Phong trào",
                 ["Tổng số", "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)",
                  "Cấp bộ, ban ngành đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương",
                  "Cơ quan, tổ chức, đơn vị"], rows, values,
                 "Hệ thống điền: các đợt thi đua có thời gian thi đua trong năm; cụm, khối thi đua và cấp Trung ương "
                 "không có trong dữ liệu. Phương thức: “thường xuyên” khi đợt kéo dài cả năm, còn lại “chuyên đề”.",
                 frozenset({2, 4}))


def certificates_0603(year: int, level: UnitLevel | None):
    """The certificates 0603 counts: decisions signed in `year` by a top-level unit (the province), not revoked."""
    certificates = (Certificate.objects.filter(decision__signed_on__year=year, decision__issuing_unit__parent=None)
                    .exclude(decision__status=DecisionStatus.REVOKED)
                    .select_related("decision__award_form__campaign"))
    if level is not None:
        certificates = certificates.filter(decision__issuing_unit__level=level)
    return certificates


def sheet_0603(year: int, level: UnitLevel | None) -> Sheet:
    values: dict = {}

    def add(row, column):
        values[(row, column)] = values.get((row, column), 0) + 1

    for certificate in certificates_0603(year, level):
        form = certificate.decision.award_form
        column = COLUMNS_0603.get(form.prize_key)
        if column is None:
            continue
        rows = [1]
        if certificate.kind == NomineeKind.COLLECTIVE:
            rows.append(2)
        else:
            rows += [5, individual_row(certificate.position)]
        rows.append(12 if not is_regular(form.campaign) else 11)
        for row in rows:
            add(row, column)
            add(row, 1)
    rows = [("Tổng số", 1, True), ("1. Chia theo đối tượng khen thưởng", "", True), ("- Tập thể", 2, False),
            ("Trong đó: Doanh nghiệp", 3, False), ("- Hộ gia đình", 4, False), ("- Cá nhân", 5, False),
            ("+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", 6, False),
            ("+ Lãnh đạo cấp vụ, sở, ngành và tương đương", 7, False), ("+ Doanh nhân", 8, False),
            ("+ Các cấp lãnh đạo khác từ phó phòng trở lên", 9, False),
            ("+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu (công nhân, nông dân,...)",
             10, False),
            ("2. Chia theo phương thức khen thưởng", "", True), ("- Thường xuyên", 11, False), ("- Chuyên đề", 12, False),
            ("- Đột xuất", 13, False), ("- Đối ngoại", 14, False), ("- Cống hiến", 15, False), ("- Niên hạn", 16, False),
            ("- Kháng chiến", 17, False)]
    return Sheet("0603.N/BNV-TĐKT",
                 "SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
                 "", ["Tổng số", "Bằng khen", "Chiến sĩ thi đua cấp bộ, cấp tỉnh",
                      "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
                      "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc "
                      "Trung ương"], rows, values,
                 "Hệ thống điền: các bằng, danh hiệu trong quyết định của UBND tỉnh ký trong năm (trừ quyết định đã thu "
                 "hồi). Cá nhân chia theo chức vụ ghi trên bằng (Chủ tịch, Phó Chủ tịch tỉnh → dòng 06; Giám đốc, Phó "
                 "Giám đốc Sở → 07; trưởng, phó phòng và tương đương → 09; còn lại → 10). Doanh nghiệp, hộ gia đình, "
                 "doanh nhân, đột xuất, đối ngoại, cống hiến, niên hạn, kháng chiến: chưa có trong dữ liệu.",
                 frozenset({3, 4, 8, 13, 14, 15, 16, 17}))


def _empty(code: str, title: str, unit_label: str, note: str) -> Sheet:
    return Sheet(code, title, unit_label, ["Tổng số"], [("Tổng số", 1, True)], {}, note)


def workbook_sheets(year: int, level: UnitLevel | None = None) -> list[Sheet]:
    missing = "Hệ thống không lưu số liệu này: đơn vị điền theo sổ sách của mình."
    return [sheet_0601(year, level),
            _empty("0602.N/BNV-TĐKT", "SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC", "",
                   "Khen thưởng cấp Nhà nước do Trung ương quyết định: " + missing),
            sheet_0603(year, level),
            _empty("0604.N/BNV-TĐKT", "SỐ LƯỢNG TỔ CHỨC LÀM CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "", missing),
            _empty("0605.N/BNV-TĐKT", "SỐ LƯỢNG CÔNG CHỨC LÀM CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "", missing)]


def statistics_xlsx(*, year: int, level: UnitLevel | None = None, reporting_unit: str = "UBND tỉnh Lạng Sơn") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in workbook_sheets(year, level):
        ws = wb.create_sheet(sheet.code.split(".")[0])
        width = 2 + len(sheet.columns)
        ws.append([f"Biểu số: {sheet.code}"] + [None] * (width - 2) + [f"Đơn vị báo cáo: {reporting_unit}"])
        ws.append([CIRCULAR] + [None] * (width - 2) + ["Đơn vị nhận báo cáo: Bộ Nội vụ"])
        ws.append([RECEIVED])
        ws.append([sheet.title])
        ws.append([f"Năm {year}" + (f" — cấp {level.name}" if level else "")])
        ws.append([sheet.unit_label] if sheet.unit_label else [])
        for row in (1, 2, 4):
            ws.cell(row, 1).font = Font(bold=True, size=12 if row == 4 else 11)
        header_row = ws.max_row + 1
        ws.append(["", "Mã số"] + sheet.columns)
        codes = [str(i) for i in range(1, len(sheet.columns) + 1)]
        if sheet.code.startswith("0601"):
            codes[0] = "1=(2+3+4)"
        ws.append(["A", "B"] + codes)
        for cell in list(ws[header_row]) + list(ws[header_row + 1]):
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        for label, code, bold in sheet.rows:
            known = code != "" and code not in sheet.unknown_rows
            cells = [sheet.values.get((code, column), 0) if known and column in _filled(sheet) else None
                     for column in range(1, len(sheet.columns) + 1)]
            ws.append([label, f"{code:02d}" if code != "" else ""] + cells)
            for cell in ws[ws.max_row]:
                cell.border = box
                if bold:
                    cell.font = Font(bold=True)
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True)
        ws.append([])
        ws.append([f"Ghi chú: {sheet.note}"])
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True)
        ws.column_dimensions["A"].width = 60
        ws.column_dimensions["B"].width = 8
        for index in range(len(sheet.columns)):
            ws.column_dimensions[chr(67 + index)].width = 20
        ws.row_dimensions[header_row].height = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _filled(sheet: Sheet) -> set[int]:
    """The columns the system fills (others stay empty for the office): 0601 has no Trung ương level; 0603
    fills every column; the others none."""
    if sheet.code.startswith("0601"):
        return {1, 3, 4}
    if sheet.code.startswith("0603"):
        return {1, 2, 3, 4, 5}
    return set()


def cell_of(workbook_bytes: bytes, sheet_code: str, row_code: int, column: int):
    """A value of the workbook by biểu, mã số and column number (for tests and checks)."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(workbook_bytes))[sheet_code]
    for row in ws.iter_rows(values_only=True):
        if row[1] == f"{row_code:02d}":
            return row[1 + column]
    raise KeyError(row_code)


