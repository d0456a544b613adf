"""The pre-check assistant (trợ lý kiểm tra sơ bộ): every uploaded PDF is read in the queue (its text
layer, Tesseract OCR for scanned pages) and checked against its dossier — the campaign's plan number
and title, each nominee's name, the council's vote counts, the form's number, a signer line, the
document's date. Findings are warnings for the unit officer and the appraiser; they never block.

    reading.py   text per page (pdftotext; pdftoppm + tesseract -l vie for pages without text)
    checks.py    the checks: pure functions of (page texts, expected facts) -> findings
    facts.py     what the dossier says the document should contain
    services.py  request a check (on upload, on retry), run it (the outbox handler in tasks.py)
    selectors.py what the pages show: per document, done / pending / failed, one query per page

The domain only enqueues the job by name (`dossiers.services.documents.PRECHECK_KIND`): it never
imports this app."""
