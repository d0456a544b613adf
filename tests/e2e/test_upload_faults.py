"""A full disk seen from the browser: the drop zone (XMLHttpRequest) and the plain form post (no
JavaScript) both show the Vietnamese message; nothing is stored and the page keeps what was typed.
The storage is the real local storage on a "disk" that fills up after 64 KiB (see
tests/dossiers/test_storage_faults.py)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers.models import Document
from workflows import services
from workflows.walk import add_nominees

from .conftest import PASSWORD, SHOTS, login, shot
from .test_whole_path import new_page

pytestmark = pytest.mark.e2e


def test_disk_full_in_the_drop_zone_and_without_javascript(browser, live_server, province, files, settings):
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "tests.dossiers.test_storage_faults.DiskFullStorage"}}
    p = province
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    big = files["to-trinh.pdf"].with_name("to-trinh-lon.pdf")
    big.write_bytes(files["to-trinh.pdf"].read_bytes() + b"%" + b"0" * 300_000 + b"\n")

    page = new_page(browser)
    login(page, live_server.url, "canbo_tuphap")
    page.goto(f"{live_server.url}/ho-so/{dossier.pk}/")
    page.fill("#id_members_total", "9")
    page.locator("#req-to-trinh-0 input[type=file]").set_input_files(str(big))
    expect(page.locator("#req-to-trinh-0 .drop-msg")).to_contain_text("kho lưu trữ hồ sơ đã hết dung lượng")
    expect(page.locator("#req-to-trinh-0")).to_have_attribute("data-state", "missing")
    expect(page.locator("#id_members_total")).to_have_value("9")
    page.locator("#req-to-trinh-0").screenshot(path=str(SHOTS / "30-upload-disk-full-xhr.png"))

    nojs = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", java_script_enabled=False)
    plain = nojs.new_page()
    plain.goto(f"{live_server.url}/dang-nhap/")
    plain.fill("#id_username", "canbo_tuphap")
    plain.fill("#id_password", PASSWORD)
    plain.locator("form button.btn-primary[type=submit]").click()
    plain.wait_for_url(f"{live_server.url}/")
    plain.goto(f"{live_server.url}/ho-so/{dossier.pk}/")
    plain.locator("#req-to-trinh-0 input[type=file]").set_input_files(str(big))
    plain.locator("#req-to-trinh-0 button[type=submit]").click()
    expect(plain.locator("body")).to_contain_text("kho lưu trữ hồ sơ đã hết dung lượng")
    shot(plain, "31-upload-disk-full-no-js")
    nojs.close()

    assert not Document.objects.filter(dossier=dossier).exists()
    assert [f for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file()] == []
