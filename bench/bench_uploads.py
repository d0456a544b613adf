"""What the deep content checks of an upload cost (dossiers/inspection.py), on files near the
20 MB limit: a PDF of many pages, a .docx full of incompressible media, a 20-megapixel JPEG and
PNG, and the smallest PDF. Prints milliseconds per check and the file sizes."""

import io
import os
import random
import time
import zipfile

import _setup  # noqa: F401  (the project on sys.path)

PAGES = int(os.environ.get("BENCH_PDF_PAGES", "1500"))


class Upload(io.BytesIO):
    def __init__(self, name, data):
        super().__init__(data)
        self.name, self.size = name, len(data)

    def chunks(self, chunk_size=64 * 1024):
        self.seek(0)
        while chunk := self.read(chunk_size):
            yield chunk


def many_page_pdf(pages: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from dossiers.samples import one_page_pdf

    writer = PdfWriter()
    page = PdfReader(io.BytesIO(one_page_pdf("BENCH"))).pages[0]
    for _ in range(pages):
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def big_docx(megabytes: int) -> bytes:
    rng = random.Random(7)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "<w:p>Báo cáo thành tích</w:p>" * 20000
                         + "</w:document>")
        for index in range(megabytes):
            archive.writestr(f"word/media/image{index}.jpeg", rng.randbytes(1024 * 1024))
    return out.getvalue()


def image(fmt: str, size) -> bytes:
    from PIL import Image

    rng = random.Random(3)
    picture = Image.frombytes("RGB", (256, 256), rng.randbytes(256 * 256 * 3)).resize(size)
    out = io.BytesIO()
    picture.save(out, fmt, quality=85) if fmt == "JPEG" else picture.save(out, fmt)
    return out.getvalue()


def main():
    # The checks read settings only: no database.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from dossiers.inspection import inspect
    from dossiers.samples import MINIMAL_PDF

    samples = [
        ("pdf_minimal", "a.pdf", MINIMAL_PDF),
        (f"pdf_{PAGES}_pages", "b.pdf", many_page_pdf(PAGES)),
        ("docx_18mb_media", "c.docx", big_docx(18)),
        ("jpeg_20mp", "d.jpg", image("JPEG", (5000, 4000))),
        ("png_12mp", "e.png", image("PNG", (4000, 3000))),
    ]
    for label, name, data in samples:
        runs = []
        for _ in range(3):
            upload = Upload(name, data)
            started = time.perf_counter()
            inspect(upload, name)
            runs.append((time.perf_counter() - started) * 1000)
        print(f"inspect_{label}_ms: {min(runs):.1f}")
        print(f"inspect_{label}_bytes: {len(data)}")


if __name__ == "__main__":
    main()
