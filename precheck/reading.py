"""Text of a PDF, page by page: its text layer (poppler's `pdftotext`), and for a page without one
(a scan) Tesseract OCR with Debian's Vietnamese data on the page rasterised by `pdftoppm`.

Run only in the queue (a consumer), never in a request: OCR costs seconds per page. Every external
program runs with a timeout and one thread (the machine's cores are shared with the web server)."""

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# A page with fewer letters/digits than this in its text layer is treated as a scan and OCR'd.
MIN_TEXT_CHARS = 25
_ALNUM = re.compile(r"\w", re.UNICODE)


class ReadError(Exception):
    """The file could not be read (a tool missing, a timeout, a damaged PDF): the check is failed."""


@dataclass
class Page:
    number: int            # 1-based, as in the document view's #page=N
    text: str
    source: str            # "text" (the PDF's text layer) or "ocr"


@dataclass
class Reading:
    pages: list[Page] = field(default_factory=list)
    signed: bool = False           # the PDF carries a digital signature field
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    skipped_pages: int = 0         # scanned pages past PRECHECK_OCR_MAX_PAGES, not read

    @property
    def source(self) -> str:
        kinds = {p.source for p in self.pages if p.text.strip()}
        return "mixed" if len(kinds) > 1 else (kinds.pop() if kinds else "empty")


def _env() -> dict:
    env = dict(os.environ)
    env.update({"OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"})
    return env


def _run(args: list[str], *, timeout: float) -> bytes:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, env=_env(), check=False)
    except FileNotFoundError as exc:
        raise ReadError(f"{args[0]} is not installed (make deps)") from exc
    except subprocess.TimeoutExpired as exc:
        raise ReadError(f"{args[0]} took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise ReadError(f"{args[0]} failed ({done.returncode}): {done.stderr.decode('utf-8', 'replace')[:300]}")
    return done.stdout


def page_count_and_signature(path: Path) -> tuple[int, bool]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        count = len(reader.pages)
        signed = False
        form = reader.trailer["/Root"].get("/AcroForm")
        if form is not None:
            for ref in form.get_object().get("/Fields", []) or []:
                fld = ref.get_object()
                if fld.get("/FT") == "/Sig" and fld.get("/V") is not None:
                    signed = True
                    break
    except (PdfReadError, KeyError, ValueError, TypeError) as exc:
        raise ReadError(f"PDF could not be parsed: {exc}") from exc
    return count, signed


def text_layer(path: Path, pages: int) -> list[str]:
    """The text layer of each page, in content order (`-raw`: a table row stays together)."""
    out = _run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
               timeout=settings.PRECHECK_TEXT_TIMEOUT).decode("utf-8", "replace")
    texts = out.split("\f")
    return (texts + [""] * pages)[:pages]


def ocr_page(path: Path, number: int, *, workdir: Path, dpi: int | None = None) -> str:
    """Rasterise one page (grey, PRECHECK_OCR_DPI), clean it (`clean_scan`) and read it with Tesseract."""
    dpi = dpi or settings.PRECHECK_OCR_DPI
    stem = workdir / f"p{number}"
    _run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", "-f", str(number), "-l", str(number),
          str(path), str(stem)], timeout=settings.PRECHECK_OCR_TIMEOUT)
    raw = stem.with_suffix(".pgm")
    cleaned = clean_scan(raw, workdir / f"c{number}.pgm")
    raw.unlink(missing_ok=True)
    if cleaned is None:
        return ""
    text = _run(["tesseract", str(cleaned), "stdout", "-l", settings.PRECHECK_OCR_LANG, "--psm", "6",
                 "--dpi", str(dpi)], timeout=settings.PRECHECK_OCR_TIMEOUT).decode("utf-8", "replace")
    cleaned.unlink(missing_ok=True)
    return text


def clean_scan(source: Path, target: Path) -> Path | None:
    """What a scanner adds, taken away before OCR: grey → black and white, isolated specks removed,
    the page turned back straight (projection profile, ±3°), table rules erased (Tesseract reads a
    ruled table row as noise). None for a blank page (nothing to read)."""
    import numpy as np
    from PIL import Image

    with Image.open(source) as img:
        grey = np.asarray(img.convert("L"))
    ink = grey < 150
    if ink.mean() < 0.0005:
        return None
    ink &= _neighbours(ink) >= 3                      # a speck has fewer than 2 inked neighbours
    angle = _skew(ink)
    if angle:
        turned = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).rotate(
            angle, resample=Image.NEAREST, fillcolor=255)
        ink = np.asarray(turned) < 128
    ink &= ~_rules(ink)
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(target)
    return target


def _neighbours(ink):
    import numpy as np

    padded = np.pad(ink.astype(np.uint8), 1)
    h, w = ink.shape
    total = np.zeros((h, w), dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            total += padded[dy:dy + h, dx:dx + w]
    return total


def _skew(ink) -> float:
    """The angle (degrees) that makes the text lines horizontal: the one whose row profile is sharpest."""
    import numpy as np
    from PIL import Image

    small = Image.fromarray((ink[::4, ::4] * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for angle in np.arange(-3.0, 3.01, 0.25):
        rows = np.asarray(small.rotate(float(angle), resample=Image.NEAREST, fillcolor=0),
                          dtype=np.float32).sum(axis=1)
        score = float(rows.var())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _runs(ink, length: int):
    """Pixels on a horizontal run of at least `length` inked pixels."""
    import numpy as np

    counts = np.pad(np.cumsum(ink, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    full = (counts[:, length:] - counts[:, :-length]) == length
    marks = np.zeros((ink.shape[0], ink.shape[1] + 1), dtype=np.int32)
    rows, cols = np.nonzero(full)
    np.add.at(marks, (rows, cols), 1)
    np.add.at(marks, (rows, cols + length), -1)
    return np.cumsum(marks, axis=1)[:, :-1] > 0


def _rules(ink):
    """The table's rules (long straight lines), found at half resolution, widened a little."""
    import numpy as np

    h, w = ink.shape
    even = ink[: h - h % 2, : w - w % 2]
    half = even[0::2, 0::2] | even[1::2, 0::2] | even[0::2, 1::2] | even[1::2, 1::2]
    thick = half.copy()
    thick[1:] |= half[:-1]
    thick[:-1] |= half[1:]
    horizontal = _runs(thick.astype(np.uint8), max(40, half.shape[1] // 15))
    wide = half.copy()
    wide[:, 1:] |= half[:, :-1]
    wide[:, :-1] |= half[:, 1:]
    vertical = _runs(np.ascontiguousarray(wide.T).astype(np.uint8), max(30, half.shape[0] // 40)).T
    lines = horizontal | vertical
    grown = lines.copy()
    for d in (1, 2):
        grown[d:] |= lines[:-d]
        grown[:-d] |= lines[d:]
        grown[:, d:] |= lines[:, :-d]
        grown[:, :-d] |= lines[:, d:]
    full = np.zeros((h, w), dtype=bool)
    full[: h - h % 2, : w - w % 2] = grown.repeat(2, axis=0).repeat(2, axis=1)
    return full


def read_pdf(path: Path) -> Reading:
    """Every page's text: its text layer, or OCR when it has (almost) none."""
    count, signed = page_count_and_signature(path)
    reading = Reading(signed=signed)
    layer = text_layer(path, count) if count else []
    with tempfile.TemporaryDirectory(prefix="precheck-") as tmp:
        for number, text in enumerate(layer, start=1):
            if len(_ALNUM.findall(text)) >= MIN_TEXT_CHARS:
                reading.pages.append(Page(number, text, "text"))
                continue
            if reading.ocr_pages >= settings.PRECHECK_OCR_MAX_PAGES:
                reading.skipped_pages += 1
                reading.pages.append(Page(number, text, "text"))
                continue
            started = time.perf_counter()
            ocr = ocr_page(path, number, workdir=Path(tmp))
            reading.ocr_seconds += time.perf_counter() - started
            reading.ocr_pages += 1
            reading.pages.append(Page(number, ocr, "ocr"))
    return reading


def read_bytes(content: bytes) -> Reading:
    with tempfile.NamedTemporaryFile(suffix=".pdf", prefix="precheck-") as handle:
        handle.write(content)
        handle.flush()
        return read_pdf(Path(handle.name))
