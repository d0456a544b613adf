"""Nominees from Excel: a 200-row workbook with 5 bad rows reports exactly those 5 and imports nothing;
fixed, it imports all 200; imported again, it updates and never duplicates; a person already known by
CCCD is updated; the service's own refusals are reported for their row; the page and the template."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dossiers.models import DossierEvent, Nominee, Person
from dossiers.services import nominee_add
from imports.services import nominee_template, nominees_import
from workflows import services

pytestmark = pytest.mark.django_db
HEADER = ["Họ và tên", "Số CCCD", "Ngày sinh", "Chức vụ", "Đơn vị công tác", "Thành tích tóm tắt"]
BAD = {17: ("", "020180999017"), 48: ("Lê Văn Sai", "12345"), 99: ("Phạm Trùng", "020180000003"),
       150: ("Ngô Ngày", "020180999150"), 201: ("Vũ Dài", "020180999201")}


def rows(n=200, bad=True):
    data = []
    for i in range(1, n + 1):
        line = 1 + i  # the header is row 1
        name, cccd = f"Nguyễn Văn Số {i}", f"020180{i:06d}"
        birth = dt.datetime(1980, 1, 1) + dt.timedelta(days=i)
        position = "Chuyên viên"
        if bad and line in BAD:
            name, cccd = BAD[line]
            if line == 150:
                birth = "31/02/1980"
            if line == 201:
                position = "x" * 201
        data.append([name, cccd, birth, position, "Phòng Tổng hợp", f"Thành tích {i}"])
    return data


def workbook(data, name="doi-tuong.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def draft(world, in_window):
    return services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)


def test_200_rows_with_5_bad_report_exactly_those_and_import_nothing(world, draft):
    persons_before = Person.objects.count()
    report = nominees_import(dossier=draft, actor=world.alice, file=workbook(rows()))
    assert not report.ok
    assert report.rows_total == 200
    assert report.rejected_rows == sorted(BAD)
    messages = {e.row: e.message for e in report.errors}
    assert "Thiếu họ và tên" in messages[17] and "12345" in messages[48] and "dòng 4" in messages[99]
    assert "31/02/1980" in messages[150] and "200" in messages[201]
    assert not Nominee.objects.filter(dossier=draft).exists() and Person.objects.count() == persons_before

    fixed = nominees_import(dossier=draft, actor=world.alice, file=workbook(rows(bad=False)))
    assert fixed.ok and fixed.created == 200 and fixed.updated == 0
    assert Nominee.objects.filter(dossier=draft).count() == 200
    assert DossierEvent.objects.filter(dossier=draft, data__action="import").count() == 1

    again = nominees_import(dossier=draft, actor=world.alice, file=workbook(rows(bad=False)))
    assert again.ok and again.created == 0 and again.updated == 200
    assert Nominee.objects.filter(dossier=draft).count() == 200
    assert Person.objects.filter(citizen_id__startswith="020").count() == 200


def test_a_known_person_is_updated_not_duplicated(world, draft):
    Person.objects.create(full_name="Nguyen Van An", citizen_id="020179000111")   # known from an earlier campaign
    report = nominees_import(dossier=draft, actor=world.alice, file=workbook([
        ["Nguyễn Văn An", "020179000111", "15/06/1979", "Phó phòng", "Phòng Pháp chế", ""]]))
    assert report.ok, report.errors
    person = Person.objects.get(citizen_id="020179000111")
    assert person.full_name == "Nguyễn Văn An" and person.birth_date == dt.date(1979, 6, 15)
    assert Person.objects.filter(citizen_id="020179000111").count() == 1
    assert Nominee.objects.get(dossier=draft).person == person


def test_a_cccd_with_another_name_is_a_row_error_and_nothing_is_imported(world, draft):
    nominee_add(dossier=draft, actor=world.alice, kind="individual", full_name="Trần Thị Mai", citizen_id="020185000222")
    report = nominees_import(dossier=draft, actor=world.alice, file=workbook([
        ["Hoàng Văn Mới", "020185000333", None, "", "", ""],
        ["Lê Văn Khác", "020185000222", None, "", "", ""]]))
    assert report.rejected_rows == [3]
    assert "họ tên khác" in report.errors[0].message and "Trần Thị Mai" not in report.errors[0].message
    assert not Person.objects.filter(citizen_id="020185000333").exists()     # row 2 was rolled back too


def test_only_the_unit_may_import(world, draft):
    from dossiers.errors import NotPermitted

    with pytest.raises(NotPermitted):
        nominees_import(dossier=draft, actor=world.charlie, file=workbook(rows(3, bad=False)))


def test_missing_columns_and_not_excel(world, draft):
    book = openpyxl.Workbook()
    book.active.append(["Tên", "Số điện thoại"])
    out = io.BytesIO()
    book.save(out)
    report = nominees_import(dossier=draft, actor=world.alice, file=SimpleUploadedFile("x.xlsx", out.getvalue()))
    assert {e.column for e in report.errors} == {"Họ và tên", "Số CCCD"}
    from dossiers.errors import InvalidInput

    with pytest.raises(InvalidInput):
        nominees_import(dossier=draft, actor=world.alice, file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"))


def test_the_template_round_trips(world, draft):
    template = SimpleUploadedFile("mau.xlsx", nominee_template())
    report = nominees_import(dossier=draft, actor=world.alice, file=template)
    assert report.ok and report.created == 1
    assert Person.objects.get(citizen_id="020185456789").full_name == "Nguyễn Văn An"


def test_the_page(world, draft):
    client = Client()
    client.force_login(world.alice)
    url = f"/ho-so/{draft.pk}/nhap-doi-tuong/"
    page = client.get(url)
    assert page.status_code == 200 and "Tải tệp mẫu" in page.content.decode()
    template = client.get("/nhap/mau-doi-tuong.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    bad = client.post(url, {"file": workbook(rows(20))})                 # row 17 has no name
    assert bad.status_code == 400 and "Dòng" in bad.content.decode()
    good = client.post(url, {"file": workbook(rows(10, bad=False))})
    assert good.status_code == 302 and Nominee.objects.filter(dossier=draft).count() == 10
    outsider = Client()
    outsider.force_login(world.charlie)
    assert outsider.get(url).status_code == 404
