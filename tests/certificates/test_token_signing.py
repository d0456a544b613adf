"""Ký bằng chữ ký số của tôi, end to end: the decision page opens a session, the "plugin" (pyHanko on a
SoftHSM2 token made by the test, keys certified by a test CA) fetches the one-time draft, signs it and
posts it back with the session's token; the server accepts only a good signature by the signer's own
registered certificate."""

import io
import re

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from certificates import tasks, token_signing
from certificates.models import SignerCertificate, TokenSigningStatus
from dossiers.errors import Conflict, InvalidInput
from dossiers.signatures import check_pdf_signatures
from tests.pki import softhsm, trust_test_ca  # noqa: F401 (fixtures)

from .conftest import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(world, decided, trust_test_ca):
    return tasks.render_decision(issue(world, decided).pk)


@pytest.fixture
def registered(world, softhsm, trust_test_ca):
    """The Chủ tịch (chris) registered the certificate of his token; bob registered his own."""
    token_signing.signer_certificate_register(user=world.chris, actor=world.chris, data=softhsm.cert_der("chairman"))
    token_signing.signer_certificate_register(user=world.bob, actor=world.bob, data=softhsm.cert_der("other"))


def open_session(client, user, decision) -> dict:
    client.force_login(user)
    response = client.post(reverse("certificates:decision_token_sign", args=[decision.pk]))
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    found = {name: re.search(rf'id="token-{name}">([^<]+)<', html).group(1)
             for name in ("file-url", "upload-url", "session")}
    client.logout()  # the plugin has no browser session: only the link and the token
    return found


def plugin_sign(softhsm, draft: bytes, label: str, prepare=None) -> bytes:
    with softhsm.signer(label) as signer:
        writer = IncrementalPdfFileWriter(io.BytesIO(draft))
        if prepare:
            prepare(writer)
        meta = signers.PdfSignatureMetadata(field_name="ChuKyNguoiKy", md_algorithm="sha256")
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def post_back(client, session: dict, data: bytes):
    return client.post(session["upload-url"].replace("http://testserver", ""), data=data,
                       content_type="application/pdf", HTTP_AUTHORIZATION=f"Bearer {session['session']}")


def round_trip(client, world, softhsm, decision, label, tamper=None):
    session = open_session(client, world.chris, decision)
    draft = client.get(session["file-url"].replace("http://testserver", ""))
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    signed = plugin_sign(softhsm, draft.content, label)
    return post_back(client, session, tamper(signed) if tamper else signed)


def test_good_signature_is_accepted_and_countersigned(client, world, softhsm, rendered, registered):
    response = round_trip(client, world, softhsm, rendered, "chairman")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "accepted"
    rendered.refresh_from_db()
    signing = rendered.token_signings.get()
    assert signing.status == TokenSigningStatus.ACCEPTED and signing.certificate.user == world.chris
    data = open(rendered.decision_pdf.path, "rb").read()
    person, office = check_pdf_signatures(data)
    assert person.signer == "Nguyễn Văn Chủ Tịch" and "Test CA Khen thuong" in person.issuer
    assert person.intact and person.trusted and person.covers_document  # still covered: only a signature added
    assert office.intact and office.covers_document and office.field == "ChuKySoCoQuan"
    # the page says who signed it
    client.force_login(world.chris)
    html = client.get(reverse("certificates:decision", args=[rendered.pk])).content.decode()
    assert "Nguyễn Văn Chủ Tịch ký bằng chữ ký số cá nhân" in html
    # a re-render keeps the person's signature
    from certificates.services import decision_rerender

    decision_rerender(decision=rendered, actor=world.chris)
    rerendered = tasks.render_decision(rendered.pk)
    assert open(rerendered.decision_pdf.path, "rb").read() == data


def test_draft_link_works_once(client, world, rendered, registered):
    session = open_session(client, world.chris, rendered)
    url = session["file-url"].replace("http://testserver", "")
    assert client.get(url).status_code == 200
    again = client.get(url)
    assert again.status_code == 410 and "chỉ dùng được một lần" in again.json()["detail"]
    forged = url.replace(url.split("/")[-2][:5], "AAAAA")
    assert client.get(forged).status_code == 403


def _flip_in_draft(signed: bytes) -> bytes:
    index = signed.index(b"stream") + 40
    return signed[:index] + bytes([signed[index] ^ 1]) + signed[index + 1:]


def _change_reason(signed: bytes) -> bytes:
    # inside the signature's own revision, outside /Contents: the digest no longer matches
    assert signed.count(b"(ChuKyNguoiKy)") == 1
    return signed.replace(b"(ChuKyNguoiKy)", b"(ChuKyNguoiKX)", 1)


def _append_page(signed: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = __import__("pyhanko.pdf_utils.generic", fromlist=["x"]).TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("tamper, reason", [
    (_flip_in_draft, "không giữ nguyên bản dự thảo"),
    (_change_reason, "không khớp với nội dung"),
    (_append_page, "lần cập nhật duy nhất"),
])
def test_tampered_file_is_refused(client, world, softhsm, rendered, registered, tamper, reason):
    before = rendered.decision_pdf.name
    response = round_trip(client, world, softhsm, rendered, "chairman", tamper=tamper)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == "Không nhận tệp đã ký:" and reason in " ".join(body["problems"]), body
    rendered.refresh_from_db()
    assert rendered.decision_pdf.name == before and not rendered.token_signings.filter(status="accepted").exists()
    assert reason in rendered.token_signings.get().last_refusal


def test_signing_revision_that_also_changes_the_page_is_refused(client, world, softhsm, rendered, registered):
    from pyhanko.pdf_utils import generic

    def rewrite_first_page(writer):
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Quyet dinh gia) Tj ET")
        page["/Contents"] = writer.add_object(stream)
        writer.update_container(page)

    session = open_session(client, world.chris, rendered)
    draft = client.get(session["file-url"].replace("http://testserver", "")).content
    body = post_back(client, session, plugin_sign(softhsm, draft, "chairman", prepare=rewrite_first_page)).json()
    assert body["problems"] == ["Lần ký đã sửa nội dung bản dự thảo, không chỉ thêm chữ ký."]


def test_untrusted_ca_is_refused(client, world, softhsm, rendered, registered):
    body = round_trip(client, world, softhsm, rendered, "rogue").json()
    assert "“Rogue CA” cấp, không thuộc danh sách tổ chức chứng thực tin cậy" in body["problems"][0]


def test_expired_certificate_is_refused(client, world, softhsm, rendered, registered):
    body = round_trip(client, world, softhsm, rendered, "expired").json()
    assert "đã hết hạn ngày 01/01/2021" in body["problems"][0]


def test_another_users_certificate_is_refused(client, world, softhsm, rendered, registered):
    body = round_trip(client, world, softhsm, rendered, "other").json()
    assert "không phải chứng thư đã đăng ký của bạn" in body["problems"][0]


def test_refused_then_good_signature_in_the_same_session(client, world, softhsm, rendered, registered):
    session = open_session(client, world.chris, rendered)
    draft = client.get(session["file-url"].replace("http://testserver", "")).content
    assert post_back(client, session, plugin_sign(softhsm, draft, "other")).status_code == 400
    assert post_back(client, session, plugin_sign(softhsm, draft, "chairman")).status_code == 200
    assert post_back(client, session, plugin_sign(softhsm, draft, "chairman")).status_code == 410


def test_only_the_signer_opens_a_session(client, world, rendered, registered):
    client.force_login(world.nora)
    response = client.post(reverse("certificates:decision_token_sign", args=[rendered.pk]))
    assert response.status_code in (403, 404)


def test_wrong_token_is_refused(client, world, rendered, registered):
    response = client.post(reverse("certificates:token_upload"), data=b"%PDF-1.7", content_type="application/pdf",
                           HTTP_AUTHORIZATION="Bearer not-a-session")
    assert response.status_code == 403 and response.json()["detail"] == "Phiên ký số không tồn tại."


# --- registering one's certificate ---------------------------------------------------------------------------
def test_register_certificate_page(client, world, softhsm, trust_test_ca):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.chris)
    url = reverse("certificates:my_certificates")
    response = client.post(url, {"certificate": SimpleUploadedFile("token.cer", softhsm.cert_der("chairman"))})
    assert response.status_code == 302
    assert "Nguyễn Văn Chủ Tịch" in client.get(url).content.decode()
    refused = client.post(url, {"certificate": SimpleUploadedFile("x.cer", b"not a certificate")})
    assert refused.status_code == 400 and "không phải chứng thư số" in refused.content.decode()
    rogue = client.post(url, {"certificate": SimpleUploadedFile("r.cer", softhsm.cert_der("rogue"))})
    assert "không thuộc danh sách tổ chức chứng thực tin cậy" in rogue.content.decode()


def test_a_certificate_belongs_to_one_person(world, softhsm, trust_test_ca):
    token_signing.signer_certificate_register(user=world.chris, actor=world.chris, data=softhsm.cert_der("chairman"))
    with pytest.raises(Conflict):
        token_signing.signer_certificate_register(user=world.bob, actor=world.bob, data=softhsm.cert_der("chairman"))
    with pytest.raises(InvalidInput, match="không còn hiệu lực"):
        token_signing.signer_certificate_register(user=world.bob, actor=world.bob, data=softhsm.cert_der("expired"))
    assert SignerCertificate.objects.count() == 1
