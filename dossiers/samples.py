"""Small valid files built in code, for the demo data, the benchmarks and the tests (one place)."""


def one_page_pdf(title: str = "Ho so de nghi khen thuong") -> bytes:
    """A small valid PDF with one A4 page showing `title` (ASCII), so the in-page preview shows it
    and the upload's content check (parsed with pypdf) accepts it."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = (b"BT /F1 20 Tf 60 760 Td (" + text + b") Tj 0 -30 Td /F1 12 Tf "
              b"(UBND tinh Lang Son - ho so de nghi khen thuong) Tj ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


MINIMAL_PDF = one_page_pdf()
