"""Pre-check assistant: precision and recall per check on a generated corpus.

The corpus (precheck/corpus.py) is made from the demo's campaign and people by the project's own PDF
generators: every unit document of PRECHECK_BENCH_DOSSIERS dossiers clean, and once per defect its type
can carry (a wrong plan number or title, a nominee left out, altered votes, another form number, no
signature block, a date outside the campaign). A share of them (PRECHECK_BENCH_SCANS documents, clean
and defective alike) is also scanned: rasterised at 150, 200 or 300 dpi, skewed up to ±1.5°, speckled,
blurred, JPEG'd, re-wrapped as image-only PDFs, and read back by OCR like any upload.

Each document is read by `precheck.reading` (pdftotext; pdftoppm + tesseract -l vie) and checked by
`precheck.checks` against the dossier's facts (`precheck.facts`), exactly as the queued job does.

Prints `name: value` lines:
  precheck_<check>_precision / _recall   per check, text and scans together
  precheck_recall_text / precheck_recall_scan   planted defects found
  precheck_false_warnings_per_20   warnings on clean documents, per 20 clean documents (text + scans)
  precheck_notes_per_20            "could not verify" notes on clean documents (not warnings)
  ocr_s_per_page                   seconds of OCR per scanned page on this machine
Bigger corpus: PRECHECK_BENCH_DOSSIERS=4 PRECHECK_BENCH_SCANS=40 (default 1 and 8: the whole of
`make bench` stays under 10 minutes; OCR is most of this one)."""

import os
import random
import sys
import time
from collections import Counter

from _setup import django_on_fresh_database, drop_database

DB = "bench_precheck"


def main() -> int:
    started = time.perf_counter()
    django_on_fresh_database(DB)
    from dossiers.models import DocumentType, Dossier
    from precheck import corpus, reading
    from precheck.checks import CHECKS, Text, run_checks
    from precheck.facts import facts_for_parts
    from dossiers.setup import document_types

    n_dossiers = int(os.environ.get("PRECHECK_BENCH_DOSSIERS", "1"))
    n_scans = int(os.environ.get("PRECHECK_BENCH_SCANS", "8"))
    verbose = os.environ.get("PRECHECK_BENCH_VERBOSE") == "1"
    rng = random.Random(20231205)
    document_types()
    _campaign, made = corpus.demo_world(dossiers=n_dossiers)
    samples = []
    for dossier, _officer in made:
        samples += corpus.samples(dossier, rng=rng)
    generated = time.perf_counter()
    types = {t.code: t for t in DocumentType.objects.all()}
    dossiers = {d.pk: d for d in Dossier.objects.select_related("campaign")}

    # the scanned share: clean and defective documents alike, spread over the three resolutions
    clean = [s for s in samples if not s.defect]
    defective = [s for s in samples if s.defect]
    rng.shuffle(clean)
    rng.shuffle(defective)
    n_clean_scans = max(1, n_scans * 3 // 8)
    chosen = clean[:n_clean_scans] + _spread(defective, n_scans - n_clean_scans)
    scans = []
    for i, sample in enumerate(chosen):
        dpi = (150, 200, 300)[i % 3]
        scans.append(corpus.Sample(key=sample.key + f"-scan{dpi}", code=sample.code, defect=sample.defect,
                                   content=corpus.scan(sample.content, dpi=dpi, rng=rng),
                                   dossier_id=sample.dossier_id, nominee_id=sample.nominee_id, scan_dpi=dpi,
                                   detail=sample.detail))
    scanned = time.perf_counter()

    tp, fp, planted = Counter(), Counter(), Counter()
    found = {"text": [0, 0], "scan": [0, 0]}     # [found, planted]
    clean_warnings = {"text": [0, 0], "scan": [0, 0]}   # [warnings, documents]
    clean_notes = 0
    ocr_pages, ocr_seconds = 0, 0.0
    read_seconds = {"text": 0.0, "scan": 0.0}
    for sample in samples + scans:
        kind = "scan" if sample.scan_dpi else "text"
        t0 = time.perf_counter()
        result = reading.read_bytes(sample.content)
        read_seconds[kind] += time.perf_counter() - t0
        ocr_pages += result.ocr_pages
        ocr_seconds += result.ocr_seconds
        facts = facts_for_parts(dossier=dossiers[sample.dossier_id], document_type=types[sample.code],
                                nominee_id=sample.nominee_id)
        findings = run_checks(Text([(p.number, p.text, p.source) for p in result.pages]), facts, signed=result.signed)
        warned = {f["check"] for f in findings if f["level"] == "warning"}
        if sample.defect:
            planted[sample.defect] += 1
            found[kind][1] += 1
            if sample.defect in warned:
                tp[sample.defect] += 1
                found[kind][0] += 1
        else:
            clean_warnings[kind][0] += len(warned)
            clean_warnings[kind][1] += 1
            clean_notes += sum(1 for f in findings if f["level"] != "warning")
        for check in warned - {sample.defect}:
            fp[check] += 1
        if verbose and (warned != ({sample.defect} if sample.defect else set())):
            print(f"# {sample.key} ({sample.detail or 'clean'}): "
                  + "; ".join(f"{f['code']} p{f['page']} {f['params']}" for f in findings if f["level"] == "warning"),
                  file=sys.stderr)

    print(f"precheck_corpus_text_documents: {len(samples)}")
    print(f"precheck_corpus_scanned_documents: {len(scans)}")
    print(f"precheck_corpus_planted_defects: {sum(planted.values())}")
    for check in CHECKS:
        precision = tp[check] / (tp[check] + fp[check]) if (tp[check] + fp[check]) else 1.0
        recall = tp[check] / planted[check] if planted[check] else float("nan")
        print(f"precheck_{check}_precision: {precision:.3f}")
        print(f"precheck_{check}_recall: {recall:.3f}")
    print(f"precheck_recall_text: {found['text'][0] / max(1, found['text'][1]):.3f}")
    print(f"precheck_recall_scan: {found['scan'][0] / max(1, found['scan'][1]):.3f}")
    clean_docs = clean_warnings["text"][1] + clean_warnings["scan"][1]
    warnings = clean_warnings["text"][0] + clean_warnings["scan"][0]
    print(f"precheck_false_warnings_per_20: {20 * warnings / max(1, clean_docs):.2f}")
    print(f"precheck_false_warnings_per_20_text: {20 * clean_warnings['text'][0] / max(1, clean_warnings['text'][1]):.2f}")
    print(f"precheck_false_warnings_per_20_scan: {20 * clean_warnings['scan'][0] / max(1, clean_warnings['scan'][1]):.2f}")
    print(f"precheck_notes_per_20: {20 * clean_notes / max(1, clean_docs):.2f}")
    print(f"ocr_s_per_page: {ocr_seconds / max(1, ocr_pages):.2f}")
    print(f"precheck_ocr_pages: {ocr_pages}")
    print(f"precheck_text_s_per_document: {read_seconds['text'] / max(1, len(samples)):.3f}")
    print(f"precheck_bench_generate_s: {generated - started:.1f}")
    print(f"precheck_bench_scan_s: {scanned - generated:.1f}")
    print(f"precheck_bench_total_s: {time.perf_counter() - started:.1f}")
    drop_database(DB)
    return 0


SCAN_ORDER = ["name", "votes", "plan", "date", "form", "signature", "title"]   # the brief's defects first


def _spread(defective, n):
    """n defective documents covering every kind of defect in turn."""
    by_kind = {}
    for sample in defective:
        by_kind.setdefault(sample.defect, []).append(sample)
    out = []
    while len(out) < n and any(by_kind.values()):
        for kind in sorted(by_kind, key=SCAN_ORDER.index):
            if by_kind[kind] and len(out) < n:
                out.append(by_kind[kind].pop())
    return out


if __name__ == "__main__":
    sys.exit(main())
