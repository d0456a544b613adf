import io
import subprocess
from unittest import mock

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from certificates import rendering, tasks
from certificates.layouts import layout_for
from certificates.models import BlankLayout, Certificate, RegisterCounter, RenderStatus

from .conftest import CITIZEN_ID, issue

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name → whether the font program is embedded, for every font the pages use."""
    found = {}

    def walk(resources):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                found[str(descendant.get("/BaseFont"))] = any(k in descriptor for k in
                                                              ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return found


@pytest.fixture
def decision(world, decided):
    world.chris.first_name, world.chris.last_name = "Đoàn Thu", "Hà"
    world.chris.save()
    return issue(world, decided)


def test_batch_pdf_has_one_page_per_certificate_with_exact_vietnamese_text(decision):
    pdf = rendering.certificates_pdf(decision)
    pages = text_of(pdf)
    assert len(pages) == decision.certificates.count() == 3
    second = pages[1]
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "TẶNG", "BẰNG KHEN", "Nguyễn Thị Hồng Nhung",
                     "Trưởng phòng Hành chính - Tư pháp, Sở Tư pháp",
                     "Đẩy mạnh thực hiện TTHC trên môi trường", "Quyết định số: 1234/QĐ-UBND",
                     "ngày 15 tháng 12 năm 2023", "Số sổ vàng: 000002", "Lạng Sơn, ngày 15 tháng 12 năm 2023",
                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đoàn Thu Hà"]:
        assert expected in second, expected
    assert "Sở Tư pháp" in pages[0] and "Hoàng Văn Đức" in pages[2]
    assert CITIZEN_ID not in " ".join(pages)


def test_only_shipped_fonts_and_all_embedded(decision):
    fonts = embedded_fonts(rendering.certificates_pdf(decision))
    assert fonts and all(fonts.values()), fonts
    # "KT Serif" is the private family name the templates give the shipped Tinos files (@font-face): no
    # system font can stand in for it.
    assert {name.split("+")[1] for name in fonts} == {"KT-Serif", "KT-Serif-Bold", "KT-Serif-Italic"}, fonts


def test_background_is_stored_once_for_the_whole_batch(decision):
    pdf = rendering.certificates_pdf(decision)
    reader = PdfReader(io.BytesIO(pdf))
    refs = {page["/Resources"]["/XObject"].raw_get(rendering.BACKGROUND_NAME).idnum for page in reader.pages}
    assert len(refs) == 1


def decode_qr(pdf: bytes, tmp_path, page: int = 1) -> list[str]:
    import zxingcpp
    from PIL import Image

    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), str(source),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_qr_decodes_to_the_verification_url(decision, tmp_path):
    certificate = decision.certificates.get(serial=2)
    pdf = rendering.certificates_pdf(decision, [certificate])
    assert decode_qr(pdf, tmp_path) == [f"https://khenthuong.langson.gov.vn/verify/{certificate.token}/"]


def test_blank_mode_prints_only_the_text_at_the_blank_positions(decision, tmp_path):
    certificate = decision.certificates.get(serial=2)
    plain = rendering.certificates_pdf(decision, [certificate], blank=True)
    text = text_of(plain)[0]
    assert "Nguyễn Thị Hồng Nhung" in text and "BẰNG KHEN" not in text and "TẶNG" not in text
    assert rendering.BACKGROUND_NAME not in PdfReader(io.BytesIO(plain)).pages[0]["/Resources"].get("/XObject", {})

    def recipient_y(pdf):
        found = []
        PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
            visitor_text=lambda t, cm, tm, *_: found.append(cm[5] + tm[5]) if "Nhung" in t else None)
        return found[0]

    BlankLayout.objects.create(kind="bang-khen", name="Phôi Bằng khen tỉnh Lạng Sơn 2023", offset_y_mm=10,
                               fields={"position": {"size": 13, "x": 50}})
    default, blank = layout_for("bang-khen"), layout_for("bang-khen", blank=True)
    assert blank["recipient"]["y"] == default["recipient"]["y"] + 10
    assert (blank["position"]["size"], blank["position"]["x"]) == (13, 50)
    moved = rendering.certificates_pdf(decision, [certificate], blank=True)
    # every field 10 mm further down the sheet (WeasyPrint draws in CSS px, 96 per inch, y pointing down)
    assert recipient_y(moved) - recipient_y(plain) == pytest.approx(10 * 96 / 25.4, abs=0.05)
    assert decode_qr(moved, tmp_path) == [f"https://khenthuong.langson.gov.vn/verify/{certificate.token}/"]


def test_decision_pdf_follows_the_administrative_format(decision):
    pdf = rendering.decision_pdf(decision)
    text = " ".join(text_of(pdf))
    for expected in ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 1234/QĐ-UBND", "Lạng Sơn, ngày 15 tháng 12 năm 2023",
                     "QUYẾT ĐỊNH", "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "Căn cứ Luật Thi đua, khen thưởng",
                     "Căn cứ Kế hoạch số 170/KH-UBND", "QUYẾT ĐỊNH:", "Điều 1.", "01 tập thể và 02 cá nhân",
                     "1. Tập thể:", "Sở Tư pháp;", "2. Cá nhân:",
                     "Nguyễn Thị Hồng Nhung, Trưởng phòng Hành chính - Tư pháp, Sở Tư pháp", "Điều 3.",
                     "Nơi nhận:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đoàn Thu Hà"]:
        assert expected in text, expected
    assert CITIZEN_ID not in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [595, 842]  # A4 portrait
    assert all(embedded_fonts(pdf).values())


def test_giay_khen_of_an_agency(world, agency_decided):
    decision = issue(world, agency_decided, number="56/QĐ-STP", signer=world.henry)
    page = text_of(rendering.certificates_pdf(decision))[0]
    for expected in ["GIÁM ĐỐC SỞ TƯ PHÁP", "GIẤY KHEN", "Lương Thị Thu Hà",
                     "Chuyên viên, Phòng Hành chính - Tổng hợp", "Quyết định số: 56/QĐ-STP",
                     "GIÁM ĐỐC", "Phạm Hùng Trường"]:
        assert expected in page, expected
    assert "KT." not in page
    decision_text = " ".join(text_of(rendering.decision_pdf(decision)))
    assert "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in decision_text and "SỞ TƯ PHÁP" in decision_text
    assert "Sở Nội vụ" not in decision_text and "Lãnh đạo đơn vị" in decision_text


def test_decision_cites_each_item_of_the_campaign_legal_basis(world, decision):
    world.campaign.legal_basis = "Luật Thi đua, khen thưởng ngày 15/6/2022; Nghị định số 98/2023/NĐ-CP\n" \
                                 "Căn cứ Nghị quyết số 49-NQ/TU ngày 28/9/2021"
    world.campaign.save()
    decision.refresh_from_db()
    text = " ".join(text_of(rendering.decision_pdf(decision)))
    for expected in ["Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;", "Căn cứ Nghị định số 98/2023/NĐ-CP;",
                     "Căn cứ Nghị quyết số 49-NQ/TU ngày 28/9/2021;", "Căn cứ Kế hoạch số 170/KH-UBND"]:
        assert expected in text, expected
    assert "Căn cứ Căn cứ" not in text


def test_render_decision_is_idempotent_and_reports_progress(decision):
    done = tasks.render_decision(decision.pk)
    assert done.render_status == RenderStatus.DONE and done.render_done == done.render_total == 3
    assert len(PdfReader(done.certificates_pdf.path).pages) == 3
    first_files = (done.decision_pdf.name, done.certificates_pdf.name)
    stamp = done.rendered_at
    again = tasks.render_decision(decision.pk)
    assert again.rendered_at == stamp and (again.decision_pdf.name, again.certificates_pdf.name) == first_files


def test_crash_mid_batch_keeps_numbers_and_a_rerun_completes(world, decided, monkeypatch, settings):
    decision = issue(world, decided)
    settings.CERTIFICATES_RENDER_CHUNK_SIZE = 1
    real = rendering._render_chunk
    calls = []

    def flaky(job):
        calls.append(job)
        if len(calls) == 2:
            raise OSError("hết dung lượng đĩa")
        return real(job)

    monkeypatch.setattr(rendering, "_render_chunk", flaky)
    with pytest.raises(OSError):
        tasks.render_decision(decision.pk, workers=1)
    decision.refresh_from_db()
    # the attempt failed and says why; the next one is scheduled by itself (outbox), not "printing" forever
    assert decision.render_status == RenderStatus.RETRYING and "hết dung lượng đĩa" in decision.render_error
    assert decision.render_done == 1  # the progress reached the first chunk
    assert decision.render_parts == {"size": 1, "done": [0]}
    numbers = list(decision.certificates.order_by("serial").values_list("serial", "register_number"))
    assert numbers == [(1, 1), (2, 2), (3, 3)]
    # the next decision continues the register without a gap
    monkeypatch.setattr(rendering, "_render_chunk", real)
    assert RegisterCounter.objects.get(name="global").last == 3
    calls.clear()
    monkeypatch.setattr(rendering, "_render_chunk", lambda job: calls.append(job) or real(job))
    again = tasks.render_decision(decision.pk, workers=1)
    assert again.render_status == RenderStatus.DONE and again.render_error == ""
    assert [job[0][0]["register"] for job in calls] == [["Số sổ vàng: 000002 · Số TT: 2"],
                                                        ["Số sổ vàng: 000003 · Số TT: 3"]]  # only the missing ones
    pages = [page.extract_text() for page in PdfReader(again.certificates_pdf.path).pages]
    assert [sum("Số sổ vàng: 00000%s" % n in text for text in pages) for n in (1, 2, 3)] == [1, 1, 1]
    assert list(again.certificates.order_by("serial").values_list("serial", "register_number")) == numbers
    assert Certificate.objects.count() == 3


def test_two_worker_processes_give_the_same_pages(decision):
    one = text_of(rendering.certificates_pdf(decision, workers=1, chunk_size=1))
    two = text_of(rendering.certificates_pdf(decision, workers=2, chunk_size=1))
    assert one == two and len(two) == 3


def test_awardees_excel(decision):
    book = load_workbook(io.BytesIO(rendering.awardees_xlsx(decision)))
    rows = list(book.active.iter_rows(values_only=True))
    assert "1234/QĐ-UBND" in rows[0][0]
    assert rows[2][:4] == ("STT", "Số sổ vàng", "Loại", "Tên tập thể / Họ và tên")
    assert [r[3] for r in rows[3:]] == ["Sở Tư pháp", "Nguyễn Thị Hồng Nhung", "Hoàng Văn Đức"]
    assert rows[4][1] == "000002" and rows[4][9] == "Có hiệu lực"
    assert CITIZEN_ID not in str(rows)


def test_long_texts_get_a_smaller_font_instead_of_overflowing(world, in_window):
    from certificates.rendering import fit_size

    from .conftest import decided_dossier

    long_unit = world.other.__class__.objects.create(
        name="Phòng Hành chính - Tổng hợp, Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
        level=world.levels["tinh"], parent=world.province)
    assert fit_size("Sở Tư pháp", width_mm=237, size=22, bold=True) == 22
    assert fit_size(long_unit.name, width_mm=237, size=22, bold=True) < 22
    dossier = decided_dossier(world, collectives=[long_unit], individuals=[])
    decision = issue(world, dossier)
    pdf = rendering.certificates_pdf(decision)
    sizes = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: sizes.append(size * tm[0]) if "Trung tâm" in text else None)
    # the name stays on one line (no line break inside it), at the reduced size
    assert long_unit.name in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert rendering.fit_size(long_unit.name, width_mm=237, size=22, bold=True) == pytest.approx(sizes[0] * 0.75,
                                                                                               abs=0.01)


def test_a_decision_being_rendered_elsewhere_is_left_alone_until_stale(decision):
    import datetime as dt

    from django.utils import timezone

    from certificates.models import Decision

    Decision.objects.filter(pk=decision.pk).update(render_status=RenderStatus.RUNNING, render_started_at=timezone.now())
    assert tasks.render_decision(decision.pk).render_status == RenderStatus.RUNNING  # another worker has it
    Decision.objects.filter(pk=decision.pk).update(render_started_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.render_decision(decision.pk).render_status == RenderStatus.DONE  # that worker died


def test_schedule_queues_a_job_for_the_consumer(decision, settings, huey_immediate):
    settings.CERTIFICATES_RENDER_INLINE = False
    huey_immediate.immediate = False
    with mock.patch.object(huey_immediate, "enqueue") as enqueue:
        tasks.schedule_render(decision.pk)
    (task,), _ = enqueue.call_args
    assert task.name.endswith("render_decision_job") and task.args == (decision.pk, False)
    decision.refresh_from_db()
    assert decision.render_status == RenderStatus.PENDING and not decision.certificates_pdf
    huey_immediate.immediate = True     # what a consumer does with that job
    tasks.schedule_render(decision.pk)
    decision.refresh_from_db()
    assert decision.render_status == RenderStatus.DONE and decision.certificates_pdf


def test_long_lists_go_to_an_annex_table(world, in_window):
    from .conftest import decided_dossier

    people = [{"full_name": f"Hà Thị Tuyết {i:02d}", "position": "Chuyên viên"} for i in range(1, 25)]
    decision = issue(world, decided_dossier(world, individuals=people))
    pages = text_of(rendering.decision_pdf(decision))
    text = " ".join(pages)
    assert "01 tập thể và 24 cá nhân" in text and "(có danh sách kèm theo)." in text
    assert "DANH SÁCH" in text and "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15 tháng 12 năm 2023 của " \
                                   "Chủ tịch UBND tỉnh)" in text
    assert "DANH SÁCH" not in pages[0]  # the annex starts after the signature, on its own page
    for i in range(1, 25):
        assert f"Hà Thị Tuyết {i:02d}" in text
    assert "000025" in text  # register numbers listed
