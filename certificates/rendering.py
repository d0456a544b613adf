"""PDF and Excel output: the decision (Nghị định 30/2020 format), certificates one by one or in a batch,
the pre-printed-blank mode, the awardee list.

Certificates are drawn in two layers. The background (border, ornaments, Quốc hiệu, the signer's
office, "TẶNG", the award name, and the decision's number, date, place and signer) is the same for
every certificate of a decision: it is rendered once, and put into the output once as a form XObject
that every page paints first. Each certificate then costs only its own few lines of text, rendered
many pages per WeasyPrint document, in chunks (bounded memory) spread over worker processes; its QR
code is written straight into the page as PDF path operators. In pre-printed-blank mode the
background is left out and every field, the decision's too, goes where the blank's layout says.
"""

import datetime as dt
import hashlib
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from dossiers.text import in_official_language

from .layouts import GIAY_KHEN, certificate_kind, layout_for

FONT_DIR = settings.BASE_DIR / "static" / "fonts"
CHUNK_SIZE = 50
ANNEX_AFTER = 20  # longer lists go to "danh sách kèm theo" after the signature, as a table
BACKGROUND_NAME = "/KTBackground"

COLOURS = {
    # band, gold, red text, paper
    "bang-khen": {"band": "#a3191e", "gold": "#c9a227", "red": "#c8102e", "paper": "#fffdf6"},
    "giay-khen": {"band": "#1d4e89", "gold": "#c9a227", "red": "#c8102e", "paper": "#ffffff"},
}


# --- small formatting helpers -----------------------------------------------------------------------
def vn_date(day: dt.date) -> str:
    """"ngày 05 tháng 02 năm 2024": Nghị định 30/2020 pads days below 10 and months below 3."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def verification_url(token: str) -> str:
    return settings.SITE_URL + reverse("certificates:verify", args=[token])


MM = 72 / 25.4  # PDF points per millimetre


def qr_ops(url: str, *, x_mm: float, y_mm: float, side_mm: float, page_height_mm: float = 210) -> bytes:
    """The QR code as PDF path operators: one filled rectangle per run of dark modules in a row, drawn
    straight into the page (no SVG to parse, no image). The mask is fixed: every mask is valid, and
    letting segno try all eight costs 5x more."""
    import segno

    matrix = segno.make(url, error="m", mask=2, boost_error=False, micro=False).matrix
    n = len(matrix)
    unit = side_mm * MM / n
    left, top = x_mm * MM, (page_height_mm - y_mm) * MM
    ops = ["q 0 0 0 rg"]
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            ops.append(f"{left + start * unit:.2f} {top - (r + 1) * unit:.2f} {(c - start) * unit:.2f} "
                       f"{unit + 0.02:.2f} re")
    ops.append("f Q")
    return ("\n".join(ops) + "\n").encode()


def award_title(kind: str) -> str:
    return "GIẤY KHEN" if kind == GIAY_KHEN else "BẰNG KHEN"


ARCHIVAL_VARIANT = "pdf/a-3b"  # ISO 19005-3, level B: XMP metadata, embedded fonts, an sRGB output intent


def document_identifier(*parts) -> bytes:
    """The PDF's file identifier (trailer /ID, which PDF/A requires): stable for the same document, so a
    re-render of a decision keeps its identity."""
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:32].encode()


def _weasy(html: str, *, identifier: bytes | None = None) -> bytes:
    """PDF/A-3b, always: what the province keeps must be readable in fifty years (Luật Lưu trữ)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    options = {"pdf_variant": ARCHIVAL_VARIANT}
    if identifier:
        options["pdf_identifier"] = identifier
    return HTML(string=html, base_url=str(FONT_DIR) + "/").write_pdf(font_config=font_config, **options)


# --- certificate data (plain dicts: they cross process boundaries) -----------------------------------
def certificate_data(certificate, decision) -> dict:
    """Everything printed on one certificate, as text."""
    return {
        "recipient": certificate.recipient_name,
        "position": certificate.position_line,
        "achievement": certificate.achievement,
        "decision": [f"Quyết định số: {decision.number}", f"{vn_date(decision.signed_on)}"],
        "register": [f"Số sổ vàng: {certificate.register_code} · Số TT: {certificate.serial}"],
        "place_date": f"{decision.place}, {vn_date(decision.signed_on)}",
        "signer_title": decision.signer_lines,
        "signer_name": decision.signer_name,
        "url": verification_url(certificate.token),
        "token": certificate.token,
    }


def _style(spec: dict) -> str:
    parts = [f"left:{spec['x']}mm", f"top:{spec['y']}mm", f"width:{spec['w']}mm"]
    if "size" in spec:
        parts.append(f"font-size:{spec['size']}pt")
    parts.append(f"text-align:{spec.get('align', 'left')}")
    if spec.get("weight"):
        parts.append(f"font-weight:{spec['weight']}")
    if spec.get("style"):
        parts.append(f"font-style:{spec['style']}")
    if spec.get("color"):
        parts.append(f"color:{spec['color']}")
    return ";".join(parts)


# Printed the same on every certificate of a decision: drawn once with the background, unless the
# background is left out (pre-printed blanks).
DECISION_FIELDS = ("decision", "place_date", "signer_title", "signer_name")


def _page_fields(data: dict, layout: dict, names=None) -> list[dict]:
    texts = {
        "recipient": [data["recipient"]],
        "position": [data["position"]] if data["position"] else [],
        "achievement": [data["achievement"]] if data["achievement"] else [],
        "decision": data["decision"],
        "register": data["register"],
        "place_date": [data["place_date"]],
        "signer_title": data["signer_title"],
        "signer_name": [data["signer_name"]],
        "token": [f"Mã xác minh: {data['token']}"],
    }
    fields = []
    for name, spec in layout.items():
        if name == "qr" or not texts.get(name) or (names is not None and name not in names):
            continue
        if name in FIT_LINES and "size" in spec:
            spec = {**spec, "size": fit_size(texts[name][0], width_mm=spec["w"], size=spec["size"],
                                              lines=FIT_LINES[name], bold=spec.get("weight") == "bold")}
        fields.append({"style": _style(spec), "lines": texts[name]})
    return fields


# Fields that must stay within so many lines; a longer text gets a smaller font instead of running into
# the next field.
FIT_LINES = {"recipient": 1, "position": 1, "achievement": 3}


def fit_size(text: str, *, width_mm: float, size: float, lines: int = 1, bold: bool = False,
             minimum: float = 10) -> float:
    """The largest font size, up to `size`, at which `text` fits in `lines` lines of `width_mm`. Estimated
    from Tinos' average advance on Vietnamese text (0.45 em regular, 0.5 em bold, 0.62 em capitals;
    measured on the rendered certificates), with a margin for where the lines break."""
    em = 0.62 if text.isupper() else 0.5 if bold else 0.45
    capacity = width_mm * lines * (0.92 if lines > 1 else 1.0)
    needed_at_one_pt = max(len(text), 1) * em * 25.4 / 72
    return max(minimum, min(size, round(2 * capacity / needed_at_one_pt) / 2 - 0.5 * (lines > 1)))


def variable_layer_pdf(items: list[dict], layout: dict, names=None) -> bytes:
    """One page per certificate with only its text (transparent background; the QR code is added by
    `compose`). `names` limits the fields printed."""
    pages = [_page_fields(item, layout, names) for item in items]
    return _weasy(render_to_string("certificates/certificate_variable.html", {"pages": pages}))


def _render_chunk(args) -> tuple[bytes, list[bytes]]:
    """A chunk of certificates: the text pages, and the QR code of each page as PDF operators."""
    items, layout, names = args
    spec = layout.get("qr")
    overlays = [qr_ops(item["url"], x_mm=spec["x"], y_mm=spec["y"], side_mm=spec["w"]) if spec else b""
                for item in items]
    return variable_layer_pdf(items, layout, names), overlays


_CORNER = {
    "outer": "M 0 0 L 22 0 Q 12 2 10 10 Q 2 12 0 22 Z",
    "inner": "M 2.2 2.2 L 16 2.2 Q 9.5 4 8.2 8.2 Q 4 9.5 2.2 16 Z",
    "curls": "M 24 0.9 Q 30 0.9 34 3.2 M 0.9 24 Q 0.9 30 3.2 34",
}


def _corner(x: float, y: float, sx: int, sy: int) -> dict:
    """A corner ornament placed at (x, y) and mirrored by (sx, sy), in absolute coordinates (WeasyPrint's
    SVG mishandles translate() followed by scale())."""
    def place(path: str) -> str:
        out, tokens, pair = [], path.split(), []
        for token in tokens:
            if token.isalpha():
                out.append(token)
                continue
            pair.append(float(token))
            if len(pair) == 2:
                out.append(f"{x + sx * pair[0]:.2f} {y + sy * pair[1]:.2f}")
                pair = []
        return " ".join(out)

    return {**{name: place(path) for name, path in _CORNER.items()}, "cx": f"{x + sx * 11.5:.2f}", "cy": f"{y + sy * 11.5:.2f}"}


def static_layer_pdf(*, kind: str, signer_office: str, fields: list[dict] = ()) -> bytes:
    """The background shared by every certificate of a decision, with the decision's own `fields`
    (decision number, place and date, signer) when given."""
    colours = COLOURS.get(kind, COLOURS["bang-khen"])
    inset = 10.5
    corners = [_corner(x, y, sx, sy) for x, y, sx, sy in (
        (inset, inset, 1, 1), (297 - inset, inset, -1, 1), (inset, 210 - inset, 1, -1),
        (297 - inset, 210 - inset, -1, -1))]
    lozenges = [{"x": "148.5", "y": str(y), "path": f"M143.5 {y} L148.5 {y - 3} L153.5 {y} L148.5 {y + 3} Z"}
                for y in (8, 202)]
    context = {**colours, "corners": corners, "lozenges": lozenges, "signer_office": signer_office,
               "award_title": award_title(kind), "award_size": 34 if kind == GIAY_KHEN else 38, "fields": fields}
    return _weasy(render_to_string("certificates/certificate_static.html", context))


# --- putting layers together ---------------------------------------------------------------------------
def compose(background: bytes | None, chunks: Iterable[tuple[bytes, list[bytes]]]) -> bytes:
    """Concatenate the variable pages, each with its overlay (the QR code) painted on top. When a
    background is given, it is added once as a form XObject and painted under every page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter()
    writer.pdf_header = b"%PDF-1.7"
    archival = None  # the PDF/A parts (XMP metadata, output intent, document info) of the first layer
    background_ref = None
    if background is not None:
        archival = _archival_parts(PdfReader(io.BytesIO(background)), writer)
        page = PdfReader(io.BytesIO(background)).pages[0]
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in page.mediabox]),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        })
        background_ref = writer._add_object(form.flate_encode())
    under = f"q {BACKGROUND_NAME} Do Q\n".encode() if background_ref is not None else b""
    for pdf, overlays in chunks:
        chunk_reader = PdfReader(io.BytesIO(pdf))
        if archival is None:
            archival = _archival_parts(chunk_reader, writer)
        for page, overlay in zip(chunk_reader.pages, overlays, strict=True):
            added = writer.add_page(page)
            if background_ref is not None:
                resources = added["/Resources"].get_object()
                xobjects = resources.get("/XObject")
                if xobjects is None:
                    xobjects = DictionaryObject()
                    resources[NameObject("/XObject")] = xobjects
                xobjects.get_object()[NameObject(BACKGROUND_NAME)] = background_ref
            content = DecodedStreamObject()
            content.set_data(under + b"q\n" + added.get_contents().get_data() + b"\nQ\n" + overlay)
            added.replace_contents(content.flate_encode())
    if archival is not None:
        metadata, intents, info = archival
        writer._root_object[NameObject("/Metadata")] = metadata
        writer._root_object[NameObject("/OutputIntents")] = intents
        writer.add_metadata(info)  # the same Producer and dates as the XMP packet says
        writer.generate_file_identifiers()  # the trailer /ID PDF/A requires
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _archival_parts(reader, writer):
    """(XMP metadata, output intents, document info) of a WeasyPrint PDF/A, copied into `writer`: the
    composed batch is PDF/A-3b like its layers. None when the layer is not PDF/A."""
    root = reader.trailer["/Root"]
    if "/Metadata" not in root or "/OutputIntents" not in root:
        return None
    info = {key: value for key, value in (reader.metadata or {}).items()}
    return root["/Metadata"].clone(writer).indirect_reference, root["/OutputIntents"].clone(writer), info


def _worker_init() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
    from weasyprint import HTML  # noqa: F401  (loaded once per worker, not per chunk)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def render_workers() -> int:
    return max(1, int(settings.CERTIFICATES_RENDER_WORKERS))


class RenderWorkerLost(RuntimeError):
    """A render worker process died (killed, out of memory) or stopped answering: the attempt fails."""


def run_chunks(jobs: list, *, workers: int, timeout: float | None = None) -> Iterator[tuple[int, tuple]]:
    """Render `jobs` (`_render_chunk` arguments), yielding (index, result) in order. With several workers
    they run in a process pool; a worker that dies (SIGKILL, the OOM killer) or a chunk that takes longer
    than `timeout` seconds raises RenderWorkerLost instead of waiting forever (multiprocessing.Pool
    would hang: it replaces the dead worker but never returns the lost chunk)."""
    timeout = timeout if timeout is not None else settings.CERTIFICATES_RENDER_CHUNK_TIMEOUT
    if workers <= 1 or len(jobs) <= 1:
        for index, job in enumerate(jobs):
            yield index, _render_chunk(job)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    # Forkserver, not fork: the caller may be a threaded web server or queue worker, and a child forked
    # from a threaded process can inherit a lock held by another thread. The children only render (no
    # database access).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["certificates.rendering"])
    pool = ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context, initializer=_worker_init)
    window, pending, submitted = 2 * workers, [], 0
    try:
        while submitted < len(jobs) or pending:
            while submitted < len(jobs) and len(pending) < window:   # bounded: memory stays flat
                pending.append(pool.submit(_render_chunk, jobs[submitted]))
                submitted += 1
            index = submitted - len(pending)
            future = pending.pop(0)
            try:
                result = future.result(timeout=timeout)
            except BrokenProcessPool as exc:
                raise RenderWorkerLost(f"một tiến trình in đã dừng đột ngột (bị tắt hoặc hết bộ nhớ) ở phần {index + 1}"
                                       f"/{len(jobs)}") from exc
            except FutureTimeout as exc:
                raise RenderWorkerLost(f"phần {index + 1}/{len(jobs)} không in xong sau {timeout:.0f} giây") from exc
            yield index, result
    finally:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if process.is_alive():   # a hung or still busy worker must not outlive the attempt
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def prepare(decision, certificates=None, *, blank: bool = False, chunk_size: int | None = None):
    """(background PDF or None, chunk jobs) for a decision's certificates (all, or the given ones)."""
    kind = certificate_kind(decision.award_form)
    if certificates is None:
        certificates = decision.certificates.order_by("serial")
    items = [certificate_data(c, decision) for c in certificates]
    layout = layout_for(kind, blank=blank)
    if blank:
        background, names = None, None
    else:
        shared = _page_fields(items[0], layout, DECISION_FIELDS) if items else []
        background = static_layer_pdf(kind=kind, signer_office=decision.award_form.signer_office, fields=shared)
        names = set(layout) - set(DECISION_FIELDS)
    return background, [(chunk, layout, names) for chunk in _chunks(items, chunk_size or CHUNK_SIZE)]


@in_official_language
def certificates_pdf(decision, certificates=None, *, blank: bool = False, workers: int | None = None,
                     chunk_size: int | None = None, progress: Callable[[int], None] | None = None) -> bytes:
    """All certificates of a decision (or the given ones) in one PDF, one page each. `progress` is called
    with the number of pages done after each chunk."""
    background, jobs = prepare(decision, certificates, blank=blank, chunk_size=chunk_size)
    workers = render_workers() if workers is None else workers

    def rendered() -> Iterator[tuple[bytes, list[bytes]]]:
        done = 0
        for index, rendered_chunk in run_chunks(jobs, workers=workers):
            done += len(jobs[index][0])
            yield rendered_chunk
            if progress:
                progress(done)

    return compose(background, rendered())


def certificate_pdf(certificate, *, blank: bool = False) -> bytes:
    """One certificate (background and text, or text only for a pre-printed blank)."""
    return certificates_pdf(certificate.decision, [certificate], blank=blank, workers=1)


# --- the decision document ------------------------------------------------------------------------------
def _issuing_lines(unit) -> tuple[str, str]:
    """(superior body, issuing body) in capitals, as in the header of Nghị định 30/2020."""
    def full(name: str) -> str:
        return name.replace("UBND", "Ủy ban nhân dân").upper()

    name = full(unit.name)
    if name.startswith("ỦY BAN NHÂN DÂN "):
        return "", name.replace("ỦY BAN NHÂN DÂN ", "ỦY BAN NHÂN DÂN\n", 1)
    return (full(unit.parent.name) if unit.parent_id else ""), name


def decision_context(decision) -> dict:
    from dossiers.models import NomineeKind
    from dossiers.prizes import regime_of

    form = decision.award_form
    campaign = form.campaign
    kind = certificate_kind(form)
    certificates = list(decision.certificates.order_by("serial"))
    collectives = [c for c in certificates if c.kind == NomineeKind.COLLECTIVE]
    individuals = [c for c in certificates if c.kind == NomineeKind.INDIVIDUAL]
    superior, issuing = _issuing_lines(decision.issuing_unit)
    regime = regime_of(campaign)
    basis = decision_basis(campaign, regime)
    basis.append(f"Căn cứ Kế hoạch số {campaign.plan_number} phát động phong trào thi đua “{campaign.title}”")
    # A provincial decision is proposed by Sở Nội vụ and executed by the Văn phòng UBND; an agency's own
    # Giấy khen is not.
    provincial = decision.issuing_unit.parent_id is None
    proposer = campaign.home_affairs_unit.name if provincial and campaign.home_affairs_unit_id else ""
    executors = "Chánh Văn phòng Ủy ban nhân dân tỉnh" if provincial else "Chánh Văn phòng"
    counts = []
    if collectives:
        counts.append(f"{len(collectives):02d} tập thể")
    if individuals:
        counts.append(f"{len(individuals):02d} cá nhân")
    return {
        "decision": decision, "superior": superior, "issuing_lines": issuing.split("\n"),
        "place_date": f"{decision.place}, {vn_date(decision.signed_on)}",
        "award_name": form.name, "award_title": award_title(kind).capitalize(), "signer_office": form.signer_office,
        "basis": basis, "proposer": proposer, "executors": executors, "campaign": campaign, "counts": " và ".join(counts),
        "collectives": collectives, "individuals": individuals, "signer_lines": decision.signer_lines,
        "annex": len(certificates) > ANNEX_AFTER, "signed_date": vn_date(decision.signed_on),
        "issuer": form.name.split(" của ", 1)[1] if " của " in form.name else decision.issuing_unit.name,
        "recipients": ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh" if provincial else "Lãnh đạo đơn vị",
                       "Lưu: VT"],
        **prize_context(certificates, regime),
    }


def _cites_text(item: str, text) -> bool:
    """Whether a line of the campaign's own basis cites one of the regime's texts (it is then cited once,
    in full, from the regime)."""
    from dossiers.models import TextKind

    lowered = item.lower()
    if text.number.lower() in lowered:
        return True
    return text.kind == TextKind.LAW and text.title.lower() in lowered and str(text.signed_on.year) in lowered


def decision_basis(campaign, regime) -> list[str]:
    """The "Căn cứ" lines: the pinned regime's texts in full, then the campaign's own basis (one item per
    line or separated by ";"), without repeating a text the regime already cites."""
    own = [item.strip().rstrip(".") for line in campaign.legal_basis.splitlines() for item in line.split(";")
           if item.strip()]
    own = [item if item.lower().startswith("căn cứ") else f"Căn cứ {item}" for item in own]
    if regime is None:
        return own
    texts = [t for t in regime.texts.all() if t.cited]
    return regime.citations() + [item for item in own if not any(_cites_text(item, t) for t in texts)]


def prize_context(certificates, regime) -> dict:
    """Prize money of a decision: per kind of awardee the amount each receives, and the total, in figures and
    in words (Điều 2 and the annex)."""
    from dossiers.models import NomineeKind
    from dossiers.money import amount_in_words, vnd

    paid = [c for c in certificates if c.prize_amount]
    if not paid:
        return {"prizes": [], "prize_total": 0}
    lines = []
    for kind, label in ((NomineeKind.COLLECTIVE, "mỗi tập thể"), (NomineeKind.INDIVIDUAL, "mỗi cá nhân")):
        amounts = sorted({c.prize_amount for c in paid if c.kind == kind})
        for amount in amounts:
            sample = next(c for c in paid if c.kind == kind and c.prize_amount == amount)
            lines.append({"who": label, "amount": vnd(amount), "words": amount_in_words(amount),
                          "multiple": f"{sample.prize_multiple.normalize():f}".replace(".", ","),
                          "base": vnd(sample.prize_base)})
    total = sum(c.prize_amount for c in paid)
    return {"prizes": lines, "prize_total": vnd(total), "prize_total_words": amount_in_words(total),
            "prize_regime": regime}


@in_official_language
def decision_pdf(decision, *, draft: bool = False) -> bytes:
    """The Quyết định; `draft` marks every page DỰ THẢO (the preview shown before signing)."""
    return _weasy(render_to_string("certificates/decision.html", {**decision_context(decision), "draft": draft}),
                  identifier=document_identifier("quyet-dinh", decision.pk, decision.number, "du-thao" if draft else ""))


# --- the awardee list ----------------------------------------------------------------------------------
def awardees_xlsx(decision) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách khen thưởng"
    ws.append([f"Danh sách kèm theo Quyết định số {decision.number} {vn_date(decision.signed_on)}"])
    ws.append([decision.award_form.name + (" — ĐÃ THU HỒI" if decision.is_revoked else "")])
    header = ["STT", "Số sổ vàng", "Loại", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Thành tích",
              "Mã xác minh", "Đường dẫn xác minh", "Hiệu lực", "Hệ số", "Mức lương cơ sở (đồng)", "Tiền thưởng (đồng)"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=13)
    status = decision.get_status_display()
    total = 0
    for c in decision.certificates.order_by("serial"):
        ws.append([c.serial, c.register_code, c.get_kind_display(), c.recipient_name, c.position, c.workplace,
                   c.achievement, c.token, verification_url(c.token), status,
                   float(c.prize_multiple) if c.prize_multiple is not None else None, c.prize_base, c.prize_amount])
        total += c.prize_amount or 0
        for cell in ws[ws.max_row][11:13]:
            cell.number_format = "#,##0"
    if total:  # beside the title: the rows below stay one per awardee (the list is imported elsewhere)
        ws["L1"], ws["M1"] = "Tổng tiền thưởng (đồng)", total
        ws["L1"].font = ws["M1"].font = Font(bold=True)
        ws["M1"].number_format = "#,##0"
    for column, width in zip("ABCDEFGHIJKLM", (6, 12, 10, 34, 22, 30, 50, 20, 48, 14, 8, 16, 16)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
