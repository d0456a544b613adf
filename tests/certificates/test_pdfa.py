"""Decisions and certificates are PDF/A-3b (WeasyPrint's variant), checked structurally as a validator
would (tests/pdfa.py), and stay so once signed: the signature is an incremental update."""

import io

import pytest
from pypdf import PdfReader

from certificates import rendering, signing, tasks
from tests.pdfa import pdfa_problems

from .conftest import issue

pytestmark = pytest.mark.django_db


def test_decision_is_pdfa_3b_before_and_after_signing(world, decided):
    decision = issue(world, decided)
    data = rendering.decision_pdf(decision)
    assert pdfa_problems(data) == []
    signed = signing.sign_pdf(data, reason="Quyết định số 1234/QĐ-UBND")
    assert signed.startswith(data)  # incremental: the PDF/A bytes are untouched
    assert pdfa_problems(signed) == []
    assert signing.verify_pdf(signed).valid
    # the identifier is the decision's: the same on every render
    assert PdfReader(io.BytesIO(data)).trailer["/ID"][0] == PdfReader(
        io.BytesIO(rendering.decision_pdf(decision))).trailer["/ID"][0]


def test_rendered_decision_and_certificates_are_pdfa(world, decided):
    decision = tasks.render_decision(issue(world, decided).pk)
    for field in (decision.decision_pdf, decision.certificates_pdf):
        data = open(field.path, "rb").read()
        assert pdfa_problems(data) == [], field.name
        assert signing.verify_pdf(data).valid, field.name


def test_pre_printed_blank_batch_is_pdfa(world, decided):
    decision = issue(world, decided)
    assert pdfa_problems(rendering.certificates_pdf(decision, blank=True, workers=1)) == []


def test_the_checker_finds_what_is_missing(world, decided):
    from weasyprint import HTML

    plain = HTML(string="<p>Không phải PDF/A</p>").write_pdf()
    assert "catalog: no XMP /Metadata stream" in pdfa_problems(plain)
    archival = HTML(string="<p>PDF/A</p>").write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=True)
    assert pdfa_problems(archival) == []
    unembedded = archival.replace(b"/FontFile2", b"/FontFileX")
    assert any("not embedded" in p for p in pdfa_problems(unembedded))
    no_intent = archival.replace(b"/GTS_PDFA1", b"/GTS_PDFX1")
    assert "catalog: no /OutputIntents with /S /GTS_PDFA1" in pdfa_problems(no_intent)
