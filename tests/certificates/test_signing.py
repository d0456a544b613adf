import io

import pytest
from pypdf import PdfReader, PdfWriter

from certificates import rendering, signing

from .conftest import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world, decided):
    decision = issue(world, decided)
    return signing.sign_pdf(rendering.decision_pdf(decision), reason="Quyết định số 1234/QĐ-UBND",
                            location="Lạng Sơn")


def test_signed_pdf_validates(signed):
    check = signing.verify_pdf(signed)
    assert check.valid, check.message
    assert "demo" in check.signer


def test_tampered_pdf_fails(signed):
    # same length, inside the signed byte range: a byte of the binary comment after the header (the
    # file still parses; only the digest tells)
    assert signed[9:10] == b"%" and signed[10] > 127
    tampered = signed[:10] + bytes([signed[10] ^ 1]) + signed[11:]
    check = signing.verify_pdf(tampered)
    assert not check.valid and check.message == "Nội dung đã bị thay đổi sau khi ký."


def test_flipped_bit_in_page_content_fails(signed):
    assert "1234/QĐ-UBND" in PdfReader(io.BytesIO(signed)).pages[0].extract_text()
    tampered = bytearray(signed)
    tampered[signed.index(b"stream") + 20] ^= 0x01  # inside the first content stream
    assert not signing.verify_pdf(bytes(tampered)).valid


def test_content_added_after_signing_fails(signed):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(signed)))
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    assert not signing.verify_pdf(out.getvalue()).valid


def test_pdf_signed_by_another_key_is_not_trusted(world, decided, settings, tmp_path):
    decision = issue(world, decided)
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "intruder"
    forged = signing.sign_pdf(rendering.decision_pdf(decision), reason="giả mạo")
    assert signing.verify_pdf(forged).valid  # valid for the intruder's own key...
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "official"
    check = signing.verify_pdf(forged)  # ...but not for ours
    assert not check.valid and "không do cơ quan ban hành ký" in check.message


def test_unsigned_and_garbage_are_not_valid(world, decided):
    decision = issue(world, decided)
    assert not signing.verify_pdf(rendering.decision_pdf(decision)).valid
    assert not signing.verify_pdf(b"not a pdf").valid
