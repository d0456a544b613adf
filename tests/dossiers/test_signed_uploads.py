"""Signed uploads recognised: a tờ trình signed by the unit's head (a SoftHSM key certified by the test CA)
is checked in the queue, not in the request; the dossier shows who signed, when, intact or not, trusted
or not; a broken signature is a warning on the appraiser's review page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from dossiers.models import Document, DossierStatus, SignatureState
from dossiers.samples import MINIMAL_PDF
from outbox.models import OutboxMessage
from outbox.services import deliver
from tests.pki import softhsm, trust_test_ca  # noqa: F401 (fixtures)
from workflows import services as flow
from workflows.walk import Actors, add_nominees, pdf, walk

pytestmark = pytest.mark.django_db


def signed_pdf(softhsm, label: str) -> bytes:
    with softhsm.signer(label) as signer:
        writer = IncrementalPdfFileWriter(io.BytesIO(MINIMAL_PDF))
        meta = signers.PdfSignatureMetadata(field_name="ThuTruongKy", md_algorithm="sha256")
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def tampered(data: bytes) -> bytes:
    """The same length, one word of the page changed: inside the bytes the signature covers."""
    assert data.count(b"(Ho so de nghi khen thuong)") == 1
    return data.replace(b"(Ho so de nghi khen thuong)", b"(Ho so de nghi khen THUONG)")


def _files(proposal: bytes):
    def files(*, dossier, document_type, nominee, actor):
        if document_type.code == "to-trinh":
            return SimpleUploadedFile("to-trinh-da-ky.pdf", proposal, content_type="application/pdf")
        return pdf(f"{document_type.code}.pdf")
    return files


def _deliver_signature_checks():
    from outbox.registry import load

    load()
    for message in OutboxMessage.objects.filter(kind="dossiers.document_signatures", delivered_at__isnull=True):
        assert deliver(message)


def _dossier(world, proposal: bytes, until=DossierStatus.SUBMITTED):
    team = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)
    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[])
    return walk(dossier, team, until=until, files=_files(proposal))


def _proposal(dossier) -> Document:
    return dossier.documents.get(document_type__code="to-trinh", is_current=True)


def test_signed_upload_is_checked_in_the_queue_and_shown(client, world, in_window, softhsm, trust_test_ca):
    dossier = _dossier(world, signed_pdf(softhsm, "other"))
    document = _proposal(dossier)
    assert document.signature_state == SignatureState.PENDING and document.signatures == []  # not in the request
    _deliver_signature_checks()
    document.refresh_from_db()
    assert document.signature_state == SignatureState.CHECKED
    [report] = document.signature_reports
    assert report.signer == "Trần Thị Khác" and report.intact and report.covers_document and report.trusted
    assert report.ok and report.signed_when is not None and not document.signature_broken
    client.force_login(world.alice)
    html = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Ký số bởi <strong>Trần Thị Khác</strong> lúc 09:00 05/12/2023" in html
    assert "Nguyên vẹn" in html and "Tổ chức cấp tin cậy" in html
    # the appraiser sees no warning for an intact signature
    client.force_login(world.bob)
    review = client.get(reverse("workflows:review", args=[dossier.pk])).content.decode()
    assert "Trần Thị Khác" in review and "Cảnh báo: chữ ký số" not in review


def test_broken_signature_warns_the_appraiser(client, world, in_window, softhsm, trust_test_ca):
    dossier = _dossier(world, tampered(signed_pdf(softhsm, "other")))
    _deliver_signature_checks()
    document = _proposal(dossier)
    [report] = document.signature_reports
    assert not report.intact and document.signature_broken
    assert "Nội dung đã bị thay đổi sau khi ký" in report.problems[0]
    client.force_login(world.bob)
    review = client.get(reverse("workflows:review", args=[dossier.pk])).content.decode()
    assert "Cảnh báo: chữ ký số trên tệp này không còn nguyên vẹn" in review
    assert "Đã bị sửa sau khi ký" in review


def test_untrusted_signer_is_shown_as_such(world, in_window, softhsm, trust_test_ca):
    dossier = _dossier(world, signed_pdf(softhsm, "rogue"), until=DossierStatus.PROPOSAL_READY)
    _deliver_signature_checks()
    [report] = _proposal(dossier).signature_reports
    assert report.intact and not report.trusted and not report.ok
    assert "“Rogue CA” cấp, không thuộc danh sách" in report.problems[0]


def test_unsigned_upload_is_not_queued(world, in_window):
    dossier = _dossier(world, MINIMAL_PDF, until=DossierStatus.PROPOSAL_READY)
    assert _proposal(dossier).signature_state == ""
    assert not OutboxMessage.objects.filter(kind="dossiers.document_signatures").exists()
