"""Units and accounts from one workbook: ~700 units with their parents and officers in one go; matched
by code and user name on the next import (updated, never duplicated); all or nothing."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from api.models import ExportCode
from dossiers.errors import NotPermitted
from dossiers.models import Membership, Role, Unit
from imports.services import provision_import, provision_template

pytestmark = pytest.mark.django_db
User = get_user_model()


def book(units, accounts):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DonVi"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Cấp", "Mã đơn vị cấp trên"])
    for row in units:
        sheet.append(row)
    second = workbook.create_sheet("TaiKhoan")
    second.append(["Tên đăng nhập", "Họ và tên", "Email", "Mã đơn vị", "Vai trò", "Chức vụ"])
    for row in accounts:
        second.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("don-vi.xlsx", out.getvalue())


def province(n_districts=10, communes_each=69):
    units = [["H22", "UBND tỉnh Lạng Sơn", "UBND tỉnh", "tinh", ""]]
    accounts = []
    for d in range(1, n_districts + 1):
        units.append([f"H22.{d:02d}", f"UBND huyện số {d}", "", "huyen", "H22"])
        for c in range(1, communes_each + 1):
            code = f"H22.{d:02d}.{c:03d}"
            units.append([code, f"UBND xã {c} huyện {d}", "", "xa", f"H22.{d:02d}"])
            accounts.append([f"cb_{d}_{c}", f"Cán bộ xã {c}", f"cb{d}{c}@example.vn", code,
                             "Cán bộ thi đua của đơn vị", "Công chức"])
    return units, accounts


@pytest.fixture
def admin(world):
    return world.user("ada", world.province, Role.ADMIN)


def test_a_province_of_700_units_and_their_officers_in_one_go(world, admin):
    units, accounts = province()
    assert len(units) == 701
    report = provision_import(actor=admin, file=book(units, accounts))
    assert report.ok, report.errors[:3]
    assert report.created == 701 + 690
    commune = Unit.objects.get(name="UBND xã 5 huyện 3")
    assert commune.parent.name == "UBND huyện số 3" and commune.parent.parent.name == "UBND tỉnh Lạng Sơn"
    assert commune.level.code == "xa"
    user = User.objects.get(username="cb_3_5")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).unit == commune
    assert Membership.objects.get(user=user).role == Role.UNIT_OFFICER
    # the unit codes are the export's MaDonVi
    assert ExportCode.objects.get(list="unit", key=str(commune.pk)).code == "H22.03.005"

    # again, with a renamed commune and a new role: updated, nothing duplicated
    units[5][1] = "UBND xã Mới"
    accounts.append(["cb_1_1", "Cán bộ xã 1", "", "H22.01.001", "Thủ trưởng đơn vị", "Chủ tịch"])
    before = Unit.objects.count()
    again = provision_import(actor=admin, file=book(units, accounts))
    assert again.ok and again.created == 0
    assert Unit.objects.count() == before and Unit.objects.filter(name="UBND xã Mới").count() == 1
    assert set(Membership.objects.filter(user__username="cb_1_1").values_list("role", flat=True)) == {
        Role.UNIT_OFFICER, Role.UNIT_HEAD}


def test_bad_rows_are_reported_and_nothing_is_imported(world, admin):
    units = [["X1", "Đơn vị một", "", "tinh", ""], ["X1", "Trùng mã", "", "tinh", ""],
             ["X3", "Đơn vị ba", "", "thôn", ""], ["X4", "Đơn vị bốn", "", "xa", "KHONGCO"]]
    accounts = [["ok_user", "A", "", "X1", "unit_officer", ""], ["có dấu cách", "B", "", "X1", "unit_officer", ""],
                ["c", "C", "", "X9", "unit_officer", ""], ["d", "D", "sai-email", "X1", "giám đốc", ""]]
    before = (Unit.objects.count(), User.objects.count())
    report = provision_import(actor=admin, file=book(units, accounts))
    assert not report.ok
    where = sorted(e.column.split(" · ")[0] for e in report.errors)
    assert where == ["DonVi 3", "DonVi 4", "DonVi 5", "TaiKhoan 3", "TaiKhoan 4", "TaiKhoan 5", "TaiKhoan 5"]
    assert (Unit.objects.count(), User.objects.count()) == before


def test_only_an_administrator(world):
    with pytest.raises(NotPermitted):
        provision_import(actor=world.alice, file=book([["A", "B", "", "tinh", ""]], []))
    client = Client()
    client.force_login(world.alice)
    assert client.get("/nhap/don-vi-tai-khoan/").status_code == 404


def test_the_page_and_template(world, admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/nhap/don-vi-tai-khoan/").status_code == 200
    template = client.get("/nhap/mau-don-vi-tai-khoan.xlsx")
    assert template.status_code == 200
    response = client.post("/nhap/don-vi-tai-khoan/", {"file": SimpleUploadedFile("t.xlsx", provision_template())})
    assert response.status_code == 400                  # the example's parent H22 is not in the system
    assert "H22" in response.content.decode()
