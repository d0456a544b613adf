"""One real OCR: a page printed, scanned (200 dpi, turned 1°, specks, JPEG) and wrapped as an image-only
PDF is read by Tesseract with Debian's Vietnamese data (`make deps` installs tesseract-ocr-vie)."""

import random

from django.conf import settings

from precheck import corpus, reading
from precheck.checks import Facts, Text, run_checks

PAGE = """<html><head><style>
@font-face { font-family: "KT Serif"; src: url("Tinos-Regular.ttf"); }
@page { size: A4; margin: 20mm; } body { font-family: "KT Serif"; font-size: 14pt; }
</style></head><body>
<p>HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG</p>
<p>Lạng Sơn, ngày 01 tháng 12 năm 2023</p>
<p>BIÊN BẢN</p>
<p>Họp xét đề nghị tặng Bằng khen theo Kế hoạch số 170/KH-UBND</p>
<p>1. Nguyễn Văn An — Cá nhân — 8/9 — 89%</p>
<p>2. Trần Thị Bình — Cá nhân — 7/9 — 78%</p>
<p>Hội đồng thống nhất đề nghị khen thưởng các cá nhân trên.</p>
<p style="margin-top:30pt">CHỦ TỊCH HỘI ĐỒNG</p>
</body></html>"""


def test_a_scanned_page_is_read_by_ocr_and_checked():
    from weasyprint import HTML

    pdf = HTML(string=PAGE, base_url=str(settings.BASE_DIR / "static" / "fonts") + "/").write_pdf()
    scanned = corpus.scan(pdf, dpi=200, rng=random.Random(3), skew=1.0, noise=0.001)
    assert reading.read_bytes(pdf).source == "text"

    result = reading.read_bytes(scanned)

    assert result.source == "ocr" and result.ocr_pages == 1
    facts = Facts(document_label="Biên bản", plan_number="170/KH-UBND", names=["Nguyễn Văn An", "Trần Thị Bình"],
                  votes={"Nguyễn Văn An": 8, "Trần Thị Bình": 6}, members_total=9, check_votes=True,
                  date_from="2023-08-20", date_to="2023-12-06")
    findings = run_checks(Text([(p.number, p.text, p.source) for p in result.pages]), facts)
    # everything read; the one difference (Bình: 7 in the minutes, 6 recorded) found on page 1
    assert [(f["code"], f["page"], f["params"].get("name")) for f in findings] == [
        ("votes_differ", 1, "Trần Thị Bình")], result.pages[0].text
