"""Imports from Excel through the services: a 200-row nominee workbook into one dossier, and a
province's 701 units with 690 officers in one workbook. Prints seconds for each and rows per second."""

import datetime as dt
import io
import os

from _setup import Timer, django_on_fresh_database, drop_database

DB = "kt_bench_imports"
NOMINEES = int(os.environ.get("BENCH_NOMINEES", "200"))


def workbook(sheets: dict[str, list[list]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main():
    vendor = django_on_fresh_database(DB)
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dossiers.models import Membership, Role, Unit
    from dossiers.setup import levels, provincial_campaign
    from imports.services import nominees_import, provision_import
    from workflows import services

    lv = levels()
    province = Unit.objects.create(name="UBND tỉnh", level=lv["tinh"])
    unit = Unit.objects.create(name="Sở Tư pháp", level=lv["tinh"], parent=province)
    today = timezone.localdate()
    campaign = provincial_campaign(province=province, appraising=province, home_affairs=province,
                                   plan_number="1/KH-BENCH", title="Bench", period=(today - dt.timedelta(days=90), today),
                                   window=(today - dt.timedelta(days=1), today + dt.timedelta(days=30)))
    User = get_user_model()
    officer = User.objects.create(username="officer")
    Membership.objects.create(user=officer, unit=unit, role=Role.UNIT_OFFICER)
    admin = User.objects.create(username="admin", is_superuser=True)
    dossier = services.dossier_create(campaign=campaign, award_form=campaign.award_forms.get(), unit=unit,
                                      actor=officer)

    rows = [["Họ và tên", "Số CCCD", "Ngày sinh", "Chức vụ", "Đơn vị công tác", "Thành tích tóm tắt"]]
    rows += [[f"Nguyễn Văn Số {i}", f"020180{i:06d}", "01/01/1980", "Chuyên viên", "Phòng", "Thành tích"]
             for i in range(1, NOMINEES + 1)]
    data = workbook({"DoiTuong": rows})
    with Timer() as t:
        report = nominees_import(dossier=dossier, actor=officer, file=SimpleUploadedFile("d.xlsx", data))
    assert report.ok and report.created == NOMINEES, report.errors[:3]
    print(f"vendor: {vendor}")
    print(f"nominee_import_rows: {NOMINEES}")
    print(f"nominee_import_s: {t.seconds:.2f}")
    print(f"nominee_import_rows_per_s: {NOMINEES / t.seconds:.1f}")
    with Timer() as t:
        again = nominees_import(dossier=dossier, actor=officer, file=SimpleUploadedFile("d.xlsx", data))
    assert again.ok and again.updated == NOMINEES
    print(f"nominee_reimport_s: {t.seconds:.2f}")

    units = [["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Cấp", "Mã đơn vị cấp trên"], ["H22", "UBND tỉnh LS", "", "tinh", ""]]
    accounts = [["Tên đăng nhập", "Họ và tên", "Email", "Mã đơn vị", "Vai trò", "Chức vụ"]]
    for d in range(1, 11):
        units.append([f"H22.{d:02d}", f"UBND huyện {d}", "", "huyen", "H22"])
        for c in range(1, 70):
            units.append([f"H22.{d:02d}.{c:03d}", f"UBND xã {c}/{d}", "", "xa", f"H22.{d:02d}"])
            accounts.append([f"cb_{d}_{c}", f"Cán bộ {c}", "", f"H22.{d:02d}.{c:03d}", "unit_officer", ""])
    data = workbook({"DonVi": units, "TaiKhoan": accounts})
    with Timer() as t:
        report = provision_import(actor=admin, file=SimpleUploadedFile("p.xlsx", data))
    assert report.ok, report.errors[:3]
    print(f"provision_units: {len(units) - 1}")
    print(f"provision_accounts: {len(accounts) - 1}")
    print(f"provision_s: {t.seconds:.2f}")
    drop_database(DB)


if __name__ == "__main__":
    main()
