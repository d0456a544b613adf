import pytest
from django.urls import reverse

from certificates import services, tasks
from certificates.models import RenderStatus

from .conftest import CITIZEN_ID, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(world, decided):
    decision = issue(world, decided)
    return tasks.render_decision(decision.pk)


def test_verification_page_is_public_and_shows_only_what_is_printed(client, rendered):
    certificate = rendered.certificates.get(serial=2)
    response = client.get(reverse("certificates:verify", args=[certificate.token]))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ["Nguyễn Thị Hồng Nhung", "Trưởng phòng Hành chính - Tư pháp, Sở Tư pháp", "1234/QĐ-UBND",
                     "Bằng khen của Chủ tịch UBND tỉnh", "000002", "CÒN HIỆU LỰC", "Chữ ký số hợp lệ"]:
        assert expected in html, expected
    assert CITIZEN_ID not in html and CITIZEN_ID[-3:] + "<" not in html
    assert "CCCD" not in html and "ngày sinh" not in html.lower()
    assert response["X-Robots-Tag"] == "noindex"


def test_revoked_decision_shows_revoked(client, world, rendered):
    certificate = rendered.certificates.get(serial=1)
    services.decision_revoke(decision=rendered, actor=world.chris, reason="Trùng thành tích")
    html = client.get(reverse("certificates:verify", args=[certificate.token])).content.decode()
    assert "ĐÃ THU HỒI" in html and "CÒN HIỆU LỰC" not in html


def test_tampered_stored_decision_shows_invalid_signature(client, rendered):
    path = rendered.decision_pdf.path
    data = open(path, "rb").read()
    assert data[9:10] == b"%" and data[10] > 127  # a byte of the binary comment: signed, harmless to parsing
    open(path, "wb").write(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    certificate = rendered.certificates.first()
    html = client.get(reverse("certificates:verify", args=[certificate.token])).content.decode()
    assert "Không hợp lệ" in html and "Nội dung đã bị thay đổi sau khi ký." in html


def test_unknown_token_is_404(client, db):
    response = client.get(reverse("certificates:verify", args=["khong-co-ma-nay"]))
    assert response.status_code == 404


def test_downloads_need_login_and_a_role(client, world, rendered):
    urls = [reverse(name, args=[rendered.pk]) for name in
            ("certificates:decision", "certificates:decision_status", "certificates:decision_pdf",
             "certificates:certificates_pdf", "certificates:awardees_xlsx")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    client.force_login(world.charlie)  # an officer of another unit
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_handler_downloads_the_batch_and_the_excel(client, world, rendered):
    client.force_login(world.nora)  # Sở Nội vụ handles the campaign
    page = client.get(reverse("certificates:decision", args=[rendered.pk]))
    assert page.status_code == 200 and "Nguyễn Thị Hồng Nhung" in page.content.decode()
    batch = client.get(reverse("certificates:certificates_pdf", args=[rendered.pk]))
    assert batch.status_code == 200 and b"".join(batch.streaming_content).startswith(b"%PDF")
    sheet = client.get(reverse("certificates:awardees_xlsx", args=[rendered.pk]))
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert sheet["Content-Disposition"] == 'attachment; filename="danh-sach-1234-QD-UBND.xlsx"'
    single = client.get(reverse("certificates:certificate_pdf", args=[rendered.certificates.first().pk]))
    assert single.status_code == 200 and single.content.startswith(b"%PDF")


def test_status_endpoint_reports_progress(client, world, decided):
    decision = issue(world, decided)  # not rendered: on_commit never fires inside the test transaction
    client.force_login(world.chris)
    status = client.get(reverse("certificates:decision_status", args=[decision.pk])).json()
    assert status == {"status": RenderStatus.PENDING, "label": "Chờ in", "detail": "", "done": 0, "total": 3, "ready": False}
    page = client.get(reverse("certificates:decision", args=[decision.pk])).content.decode()
    assert 'id="render-progress"' in page and "trang-thai.json" in page
    tasks.render_decision(decision.pk)
    status = client.get(reverse("certificates:decision_status", args=[decision.pk])).json()
    assert status["ready"] and status["done"] == 3


def test_rerender_and_revoke_from_the_page(client, world, rendered, django_capture_on_commit_callbacks):
    client.force_login(world.chris)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:decision_rerender", args=[rendered.pk]))
    rendered.refresh_from_db()
    assert rendered.render_status == RenderStatus.DONE
    response = client.post(reverse("certificates:decision_revoke", args=[rendered.pk]), {"reason": ""}, follow=True)
    assert "Hãy ghi lý do thu hồi quyết định." in response.content.decode()
    client.post(reverse("certificates:decision_revoke", args=[rendered.pk]), {"reason": "Sai chức vụ"})
    rendered.refresh_from_db()
    assert rendered.is_revoked


def test_command_renders_a_decision(world, rendered, tmp_path):
    from django.core.management import call_command
    from pypdf import PdfReader

    out = tmp_path / "bk.pdf"
    call_command("render_certificates", "--decision", "1234/QĐ-UBND", "--out", str(out), "--workers", "1")
    assert len(PdfReader(out).pages) == 3
    from certificates.signing import verify_pdf

    assert verify_pdf(out.read_bytes()).valid
