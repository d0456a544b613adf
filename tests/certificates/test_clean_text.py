"""Clean text in the service layer: a name typed in decomposed Unicode (NFD) with bidi controls and
spaces around it is stored, and printed on the certificate, as the NFC name."""

import io
import unicodedata

from pypdf import PdfReader

from certificates import rendering
from dossiers.models import Person

from .conftest import decided_dossier, issue

NAME = "Nguyễn Thị Hồng Nhung"


def test_nfd_name_is_printed_as_nfc_in_the_certificate(world, in_window):
    typed = "  \u202e" + unicodedata.normalize("NFD", NAME) + "\u200f  "
    assert typed.strip() != NAME and unicodedata.normalize("NFC", typed.strip()) != NAME
    dossier = decided_dossier(world, collectives=[], individuals=[
        {"full_name": typed, "position": unicodedata.normalize("NFD", "  Trưởng phòng Tư pháp ")}])
    person = Person.objects.get(nominations__dossier=dossier)
    assert person.full_name == NAME
    assert dossier.nominees.get().position == "Trưởng phòng Tư pháp"
    decision = issue(world, dossier)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendering.certificates_pdf(decision))).pages)
    assert NAME in text
    assert unicodedata.normalize("NFD", NAME) not in text and "\u202e" not in text
