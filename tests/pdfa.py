"""The structural checks a PDF/A validator makes (veraPDF is not in Debian): the file says it is PDF/A-3b
in its XMP metadata, every font is embedded, an output intent carries an ICC profile, the trailer has a
file identifier, nothing is encrypted or active, the document information agrees with the XMP packet,
and every annotation is printable with an appearance (or is an invisible, zero-size signature)."""

import io
import re

from pypdf import PdfReader
from pypdf.generic import IndirectObject

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _xmp_value(xmp: str, name: str) -> str | None:
    found = re.search(rf"<{name}(?:\s[^>]*)?>\s*(?:<rdf:Alt>\s*<rdf:li[^>]*>)?([^<]*)<", xmp) or \
        re.search(rf'{name}="([^"]*)"', xmp)
    return found.group(1).strip() if found else None


def _fonts(resources, seen) -> list:
    found = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        xobject = xobject.get_object()
        if ref in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(ref)
        found += _fonts(xobject.get("/Resources"), seen)
    return found


def _pdf_date(value: str) -> str:
    """D:20231215090000+07'00' → 2023-12-15T09:00:00 (the comparable part)."""
    digits = re.sub(r"\D", "", value)[:14]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}"


def pdfa_problems(data: bytes, *, part: str = "3", conformance: str = "B") -> list[str]:
    problems = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", data[:20]):
        problems.append("header: %PDF-1.n then a comment of four bytes above 127")
    reader = PdfReader(io.BytesIO(data))
    trailer, root = reader.trailer, reader.trailer["/Root"]
    if "/ID" not in trailer:
        problems.append("trailer: no /ID file identifier")
    if "/Encrypt" in trailer:
        problems.append("encrypted")
    if "/Metadata" not in root:
        return problems + ["catalog: no XMP /Metadata stream"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    if _xmp_value(xmp, "pdfaid:part") != part or _xmp_value(xmp, "pdfaid:conformance") != conformance:
        problems.append(f"XMP: pdfaid part/conformance {_xmp_value(xmp, 'pdfaid:part')}/"
                        f"{_xmp_value(xmp, 'pdfaid:conformance')}, expected {part}/{conformance}")
    intents = [i.get_object() for i in root.get("/OutputIntents") or []]
    pdfa_intents = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa_intents:
        problems.append("catalog: no /OutputIntents with /S /GTS_PDFA1")
    for intent in pdfa_intents:
        profile = intent.get("/DestOutputProfile")
        icc = profile.get_object().get_data() if profile is not None else b""
        if icc[36:40] != b"acsp":
            problems.append("output intent: /DestOutputProfile is not an ICC profile")
    info = reader.metadata or {}
    for key, xmp_name in (("/Producer", "pdf:Producer"), ("/Title", "dc:title"), ("/Creator", "xmp:CreatorTool")):
        if key in info and str(info[key]) != (_xmp_value(xmp, xmp_name) or ""):
            problems.append(f"document info {key}={info[key]!r} differs from XMP {xmp_name}="
                            f"{_xmp_value(xmp, xmp_name)!r}")
    for key, xmp_name in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        if key in info and _pdf_date(str(info[key])) != (_xmp_value(xmp, xmp_name) or "")[:19]:
            problems.append(f"document info {key}={info[key]!r} differs from XMP {xmp_name}="
                            f"{_xmp_value(xmp, xmp_name)!r}")
    seen = set()
    for number, page in enumerate(reader.pages, start=1):
        for font in _fonts(page.get("/Resources"), seen):
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor_owner = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
            descriptor = (descriptor_owner.get("/FontDescriptor") or {})
            descriptor = descriptor.get_object() if descriptor else {}
            if not any(key in descriptor for key in FONT_FILES):
                problems.append(f"page {number}: font {font.get('/BaseFont')} is not embedded")
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            flags = int(annotation.get("/F", 0))
            rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
            zero = rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0
            if not zero and not flags & 4:
                problems.append(f"page {number}: annotation {annotation.get('/Subtype')} not printable (/F {flags})")
            if not zero and "/AP" not in annotation:
                problems.append(f"page {number}: annotation {annotation.get('/Subtype')} without appearance")
    names = root.get("/Names") or {}
    if "/JavaScript" in names or "/OpenAction" in root and "/JS" in str(root["/OpenAction"]):
        problems.append("JavaScript")
    return problems
