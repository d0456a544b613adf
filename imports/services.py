"""Imports from Excel (or CSV): a dossier's nominees, and a province's units and accounts.

Both are all or nothing. Every row is checked first (row by row, every problem named with its row and
column); then every row goes through the services in one transaction, each in a savepoint so that a
refusal of the service (discipline, a duplicate proposal, a CCCD recorded with another name) is
reported for its row too; one error anywhere and the whole transaction is rolled back: nothing is
half-imported. A person is matched by CCCD (updated, never duplicated); a unit by its code (MaDonVi);
an account by its user name."""

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.metrics import RowError, normalize, read_table
from dossiers.errors import DossierError, InvalidInput, NotPermitted
from dossiers.models import EventKind, Membership, Nominee, NomineeKind, Person, Role, Unit, UnitLevel, citizen_id_problem
from dossiers.policy import Action, require
from dossiers.rules import is_admin
from dossiers.services import nominee_add, record_event
from dossiers.services.nominees import same_name
from dossiers.text import clean_line, clean_text, date_in_range

MAX_ROWS = 5000


@dataclass
class ImportReport:
    """Nhập từ Excel: what was read, what was wrong (row by row), what was done."""

    file_name: str
    rows_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row})

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row=row, column=column, message=message))


class _Rollback(Exception):
    """Raised inside the import's transaction when any row failed: undoes every row."""


# --- reading ------------------------------------------------------------------------------------------
def _columns(header, aliases: dict[str, list[str]], report: ImportReport, required: set[str]) -> dict[str, int]:
    index = {normalize(alias): key for key, names in aliases.items() for alias in names}
    found = {}
    for position, cell in enumerate(header or []):
        key = index.get(normalize(cell))
        if key and key not in found:
            found[key] = position
    for key in sorted(required - set(found)):
        report.error(0, aliases[key][0], _("Thiếu cột “%(col)s” ở dòng tiêu đề.") % {"col": aliases[key][0]})
    return found


def _cell(row, position):
    if position is None or position >= len(row):
        return None
    return row[position]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _date(value) -> dt.date | None | str:
    """A date from a cell (an Excel date, or dd/mm/yyyy text); "" when blank; the text when invalid."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text


def _rows(file, report: ImportReport) -> list[list]:
    rows = read_table(file)
    if not rows:
        raise InvalidInput(_("Tệp “%(name)s” không có dữ liệu.") % {"name": report.file_name})
    if len(rows) > MAX_ROWS + 1:
        raise InvalidInput(_("Tệp có %(n)s dòng, vượt giới hạn %(max)s dòng mỗi lần nhập.")
                           % {"n": len(rows) - 1, "max": MAX_ROWS})
    return rows


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _template(columns: list[tuple[str, str]], example: list, *, title: str, sheets=None) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for spec in [(title, columns, example)] + list(sheets or []):
        name, cols, sample = spec
        target = sheet if name == title else book.create_sheet(name)
        target.append([label for _key, label in cols])
        for cell in target[1]:
            cell.font = Font(bold=True)
        target.append(sample)
        for index, (_key, label) in enumerate(cols, start=1):
            target.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(14, len(label) + 4)
        for cell in target[2]:
            cell.number_format = "@"   # text: a CCCD keeps its leading zero
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- nominees -------------------------------------------------------------------------------------------
NOMINEE_COLUMNS = [("full_name", "Họ và tên"), ("citizen_id", "Số CCCD"), ("birth_date", "Ngày sinh"),
                   ("position", "Chức vụ"), ("workplace", "Đơn vị công tác"), ("achievement", "Thành tích tóm tắt")]
NOMINEE_ALIASES = {
    "full_name": ["Họ và tên", "họ tên", "ho va ten", "full_name", "tên cá nhân"],
    "citizen_id": ["Số CCCD", "cccd", "số căn cước", "số căn cước công dân", "so cccd", "citizen_id"],
    "birth_date": ["Ngày sinh", "ngay sinh", "birth_date", "ngày tháng năm sinh"],
    "position": ["Chức vụ", "chuc vu", "position"],
    "workplace": ["Đơn vị công tác", "don vi cong tac", "workplace", "nơi công tác"],
    "achievement": ["Thành tích tóm tắt", "thành tích", "thanh tich", "achievement"],
}
LIMITS = {"full_name": 120, "position": 200, "workplace": 255, "achievement": 5000}


def nominee_template() -> bytes:
    """The workbook a unit fills in: one individual per row, matched by CCCD."""
    return _template(NOMINEE_COLUMNS, ["Nguyễn Văn An", "020185456789", "02/03/1985", "Chuyên viên",
                                       "Phòng Hành chính - Tổng hợp", "Hoàn thành xuất sắc nhiệm vụ năm 2023"],
                     title="DoiTuong")


def _nominee_rows(rows, report: ImportReport) -> list[tuple[int, dict]]:
    columns = _columns(rows[0], NOMINEE_ALIASES, report, required={"full_name", "citizen_id"})
    if not report.ok:
        return []
    seen: dict[str, int] = {}
    good = []
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        report.rows_total += 1
        data = {key: _cell(row, columns.get(key)) for key in NOMINEE_ALIASES}
        values = {key: clean_line(_text(data[key])) for key in ("full_name", "citizen_id", "position", "workplace")}
        values["achievement"] = clean_text(_text(data["achievement"]))
        values["citizen_id"] = values["citizen_id"].replace(" ", "").replace(".", "")
        problems = 0

        def bad(column, message):
            nonlocal problems
            problems += 1
            report.error(number, column, message)

        if not values["full_name"]:
            bad("Họ và tên", _("Thiếu họ và tên."))
        birth = _date(data["birth_date"])
        if isinstance(birth, str) or (birth is not None and not (date_in_range(birth)
                                                                 and birth <= timezone.localdate())):
            bad("Ngày sinh", _("Ngày sinh “%(value)s” không hợp lệ (dd/mm/yyyy).") % {"value": _text(data["birth_date"])})
            birth = None
        values["birth_date"] = birth
        problem = citizen_id_problem(values["citizen_id"], birth) if values["citizen_id"] else None
        if not values["citizen_id"]:
            bad("Số CCCD", _("Thiếu số CCCD (cần để nhận đúng người, không tạo trùng)."))
        elif problem:
            bad("Số CCCD", problem)
        elif values["citizen_id"] in seen:
            bad("Số CCCD", _("Số CCCD trùng với dòng %(row)s.") % {"row": seen[values["citizen_id"]]})
        else:
            seen[values["citizen_id"]] = number
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                label = dict(NOMINEE_COLUMNS)[key]
                bad(label, _("Dài quá %(n)s ký tự.") % {"n": limit})
        if not problems:
            good.append((number, values))
    return good


def nominees_import(*, dossier, actor, file) -> ImportReport:
    """Import individuals into a dossier from the unit's workbook. A person already known by CCCD is
    updated (birth date, the spelling of the name when it is the same name), and a nominee already in
    the dossier is updated (position, workplace, achievement): never duplicated. All or nothing."""
    require(actor, dossier, Action.EDIT_NOMINEES)
    report = ImportReport(file_name=getattr(file, "name", "") or "")
    rows = _nominee_rows(_rows(file, report), report)
    if not report.ok:
        return report
    if not rows:
        raise InvalidInput(_("Tệp “%(name)s” không có dòng dữ liệu nào.") % {"name": report.file_name})
    try:
        with transaction.atomic():
            for number, values in rows:
                try:
                    with transaction.atomic():
                        _import_nominee(dossier, actor, values, report)
                except DossierError as exc:
                    report.error(number, "", str(exc))
            if not report.ok:
                raise _Rollback
            record_event(dossier=dossier, actor=actor, kind=EventKind.NOMINEE,
                         comment=_("Nhập đối tượng từ Excel: %(new)s thêm, %(upd)s cập nhật")
                         % {"new": report.created, "upd": report.updated},
                         data={"action": "import", "file": report.file_name[:200], "rows": report.rows_total})
    except _Rollback:
        report.created = report.updated = 0
    return report


def _import_nominee(dossier, actor, values: dict, report: ImportReport) -> None:
    person = Person.objects.filter(citizen_id=values["citizen_id"]).first()
    existing = (Nominee.objects.filter(dossier=dossier, person=person).first() if person else None)
    if existing is None:
        nominee_add(dossier=dossier, actor=actor, kind=NomineeKind.INDIVIDUAL, **values)
        report.created += 1
        person = Person.objects.get(citizen_id=values["citizen_id"])
    else:
        if not same_name(person.full_name, values["full_name"]):
            raise InvalidInput(_("Số CCCD %(id)s đã được ghi nhận với một họ tên khác. Kiểm tra lại số CCCD và họ "
                                 "tên.") % {"id": values["citizen_id"]})
        Nominee.objects.filter(pk=existing.pk).update(
            position=values["position"], workplace=values["workplace"],
            achievement=values["achievement"] or existing.achievement)
        report.updated += 1
    changes = {}
    if values["birth_date"] and person.birth_date != values["birth_date"]:
        changes["birth_date"] = values["birth_date"]
    if values["full_name"] != person.full_name and same_name(person.full_name, values["full_name"]):
        changes["full_name"] = values["full_name"]  # the same name, spelt better (diacritics, case)
    if changes:
        Person.objects.filter(pk=person.pk).update(**changes)


# --- units and accounts -----------------------------------------------------------------------------------
UNIT_COLUMNS = [("code", "Mã đơn vị"), ("name", "Tên đơn vị"), ("short_name", "Tên viết tắt"), ("level", "Cấp"),
                ("parent", "Mã đơn vị cấp trên")]
UNIT_ALIASES = {
    "code": ["Mã đơn vị", "ma don vi", "madonvi", "code"],
    "name": ["Tên đơn vị", "ten don vi", "name"],
    "short_name": ["Tên viết tắt", "ten viet tat", "short_name"],
    "level": ["Cấp", "cap", "level", "cấp đơn vị"],
    "parent": ["Mã đơn vị cấp trên", "ma don vi cap tren", "parent"],
}
ACCOUNT_COLUMNS = [("username", "Tên đăng nhập"), ("full_name", "Họ và tên"), ("email", "Email"),
                   ("unit", "Mã đơn vị"), ("role", "Vai trò"), ("title", "Chức vụ")]
ACCOUNT_ALIASES = {
    "username": ["Tên đăng nhập", "ten dang nhap", "username"],
    "full_name": ["Họ và tên", "ho va ten", "full_name"],
    "email": ["Email", "thư điện tử"],
    "unit": ["Mã đơn vị", "ma don vi", "unit"],
    "role": ["Vai trò", "vai tro", "role"],
    "title": ["Chức vụ", "chuc vu", "title"],
}
UNIT_SHEET, ACCOUNT_SHEET = "DonVi", "TaiKhoan"


def provision_template() -> bytes:
    return _template(UNIT_COLUMNS, ["H22.01", "Sở Tư pháp", "STP", "tinh", "H22"], title=UNIT_SHEET, sheets=[
        (ACCOUNT_SHEET, ACCOUNT_COLUMNS, ["canbo_stp", "Nguyễn Thị Hoa", "hoa@example.vn", "H22.01",
                                          "Cán bộ thi đua của đơn vị", "Chuyên viên"])])


def _role_index() -> dict[str, str]:
    index = {}
    for value, label in Role.choices:
        index[normalize(value)] = value
        index[normalize(str(label))] = value
    return index


def _read_provision(file, report: ImportReport) -> tuple[list, list]:
    """The two sheets of the provisioning workbook (DonVi, TaiKhoan)."""
    import openpyxl

    file.seek(0)
    raw = file.read()
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for damaged files
        raise InvalidInput(_("Không đọc được tệp Excel “%(name)s”.") % {"name": report.file_name}) from None
    names = {normalize(name): name for name in book.sheetnames}
    sheets = []
    for wanted in (UNIT_SHEET, ACCOUNT_SHEET):
        name = names.get(normalize(wanted))
        sheets.append([list(r) for r in book[name].iter_rows(values_only=True)] if name else [])
    book.close()
    if not sheets[0] and not sheets[1]:
        raise InvalidInput(_("Tệp cần trang “%(units)s” và/hoặc “%(accounts)s”.")
                           % {"units": UNIT_SHEET, "accounts": ACCOUNT_SHEET})
    if len(sheets[0]) + len(sheets[1]) > 2 * MAX_ROWS:
        raise InvalidInput(_("Tệp quá lớn cho một lần nhập."))
    return sheets[0], sheets[1]


def provision_import(*, actor, file) -> ImportReport:
    """Units (matched by code: created or updated, their parent by code) and accounts (matched by user
    name: created without a password, to be set through “Quên mật khẩu”, or updated; a role at a unit
    added). Administrators only. All or nothing."""
    from api.models import ExportCode

    if not is_admin(actor):
        raise NotPermitted(_("Chỉ quản trị hệ thống được nhập đơn vị và tài khoản."))
    report = ImportReport(file_name=getattr(file, "name", "") or "")
    unit_rows, account_rows = _read_provision(file, report)
    levels = {normalize(x.code): x for x in UnitLevel.objects.all()}
    levels.update({normalize(x.name): x for x in UnitLevel.objects.all()})
    known = {c.code: int(c.key) for c in ExportCode.objects.filter(list=ExportCode.List.UNIT)}
    units, accounts = [], []
    if unit_rows:
        cols = _columns(unit_rows[0], UNIT_ALIASES, report, required={"code", "name", "level"})
        in_file = {}
        for number, row in enumerate(unit_rows[1:], start=2):
            if _blank(row):
                continue
            report.rows_total += 1
            v = {key: clean_line(_text(_cell(row, cols.get(key)))) for key in UNIT_ALIASES}
            where = f"{UNIT_SHEET} {number}"
            start = len(report.errors)
            if not v["code"] or len(v["code"]) > 60:
                report.error(number, where + " · Mã đơn vị", _("Thiếu mã đơn vị (hoặc dài quá 60 ký tự)."))
            elif v["code"] in in_file:
                report.error(number, where + " · Mã đơn vị", _("Mã đơn vị trùng với dòng %(row)s.")
                             % {"row": in_file[v["code"]]})
            else:
                in_file[v["code"]] = number
            if not v["name"] or len(v["name"]) > 255:
                report.error(number, where + " · Tên đơn vị", _("Thiếu tên đơn vị (hoặc dài quá 255 ký tự)."))
            if len(v["short_name"]) > 60:
                report.error(number, where + " · Tên viết tắt", _("Dài quá %(n)s ký tự.") % {"n": 60})
            if normalize(v["level"]) not in levels:
                report.error(number, where + " · Cấp", _("Cấp “%(value)s” không có trong danh mục cấp đơn vị.")
                             % {"value": v["level"]})
            if len(report.errors) == start:
                units.append((number, v))
        for number, v in units:
            if v["parent"] and v["parent"] not in in_file and v["parent"] not in known:
                report.error(number, f"{UNIT_SHEET} {number} · Mã đơn vị cấp trên",
                             _("Không có đơn vị mã “%(code)s” (trong tệp hoặc trong hệ thống).") % {"code": v["parent"]})
    codes_after = set(known) | {v["code"] for _n, v in units}
    if account_rows:
        cols = _columns(account_rows[0], ACCOUNT_ALIASES, report, required={"username", "unit", "role"})
        roles = _role_index()
        seen = {}
        for number, row in enumerate(account_rows[1:], start=2):
            if _blank(row):
                continue
            report.rows_total += 1
            v = {key: clean_line(_text(_cell(row, cols.get(key)))) for key in ACCOUNT_ALIASES}
            where = f"{ACCOUNT_SHEET} {number}"
            start = len(report.errors)
            username = v["username"]
            if not username or len(username) > 150 or any(c.isspace() for c in username):
                report.error(number, where + " · Tên đăng nhập", _("Tên đăng nhập trống, có dấu cách hoặc quá dài."))
            if v["unit"] not in codes_after:
                report.error(number, where + " · Mã đơn vị", _("Không có đơn vị mã “%(code)s”.") % {"code": v["unit"]})
            if normalize(v["role"]) not in roles:
                report.error(number, where + " · Vai trò", _("Vai trò “%(value)s” không hợp lệ.") % {"value": v["role"]})
            key = (username, v["unit"], normalize(v["role"]))
            if key in seen:
                report.error(number, where, _("Trùng với dòng %(row)s.") % {"row": seen[key]})
            seen[key] = number
            if v["email"] and ("@" not in v["email"] or len(v["email"]) > 254):
                report.error(number, where + " · Email", _("Email “%(value)s” không hợp lệ.") % {"value": v["email"]})
            if len(report.errors) == start:
                v["role"] = roles[normalize(v["role"])]
                accounts.append((number, v))
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            code_to_unit = {code: pk for code, pk in known.items()}
            pending_parents = []
            for number, v in units:
                level = levels[normalize(v["level"])]
                pk = code_to_unit.get(v["code"])
                if pk:
                    Unit.objects.filter(pk=pk).update(name=v["name"], short_name=v["short_name"], level=level)
                    report.updated += 1
                else:
                    unit = Unit.objects.create(name=v["name"], short_name=v["short_name"], level=level)
                    ExportCode.objects.create(list=ExportCode.List.UNIT, key=str(unit.pk), code=v["code"],
                                              label=v["name"][:255])
                    code_to_unit[v["code"]] = unit.pk
                    report.created += 1
                if v["parent"]:
                    pending_parents.append((number, v["code"], v["parent"]))
            for number, code, parent in pending_parents:
                if code == parent:
                    report.error(number, f"{UNIT_SHEET} {number} · Mã đơn vị cấp trên",
                                 _("Đơn vị không thể là cấp trên của chính nó."))
                    continue
                Unit.objects.filter(pk=code_to_unit[code]).update(parent_id=code_to_unit[parent])
            User = get_user_model()
            for number, v in accounts:
                user = User.objects.filter(username=v["username"]).first()
                if user is None:
                    user = User(username=v["username"], email=v["email"], first_name=v["full_name"][:150])
                    user.set_unusable_password()
                    user.save()
                    report.created += 1
                else:
                    User.objects.filter(pk=user.pk).update(email=v["email"] or user.email,
                                                           first_name=v["full_name"][:150] or user.first_name)
                    report.updated += 1
                Membership.objects.update_or_create(
                    user=user, unit_id=code_to_unit[v["unit"]], role=v["role"],
                    defaults={"title": v["title"][:120], "is_active": True})
            if not report.ok:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = 0
    return report
