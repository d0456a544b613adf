"""dossiers.text: the one cleaner every service uses."""

import datetime as dt
import unicodedata

import pytest

from dossiers.services import document_upload
from dossiers.text import clean_line, clean_name, clean_text, date_in_range
from tests.conftest import pdf_file


def test_clean_text_normalises_trims_and_drops_bidi_controls():
    nfd = unicodedata.normalize("NFD", "Lạng Sơn")
    assert clean_line(f"  \u202e{nfd}\u2066  ") == "Lạng Sơn"
    assert clean_line("a \t  b") == "a b"
    assert clean_text(" dòng 1 \r\n\u200fdòng 2\x00 ") == "dòng 1\ndòng 2"
    assert clean_text(None) == ""
    assert clean_name("x.pdf ") == "x.pdf"
    assert clean_name("..\\..\\etc/passwd") == "passwd"
    assert clean_name("báo cáo\u202egpj.pdf") == "báo cáogpj.pdf"
    assert not date_in_range(dt.date(1, 1, 1)) and not date_in_range(dt.date(9999, 12, 31))


@pytest.mark.django_db
def test_a_pdf_named_with_a_trailing_space_is_accepted_and_stored_clean(world, in_window):
    from workflows import services

    from dossiers.models import DocumentType

    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    kind = DocumentType.objects.get(code="to-trinh")
    name = unicodedata.normalize("NFD", "Tờ trình.pdf ")
    document = document_upload(dossier=dossier, actor=world.alice, file=pdf_file(name=name), document_type=kind)
    assert document.original_name == "Tờ trình.pdf"
