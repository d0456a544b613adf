"""Decisions (quyết định khen thưởng), register numbers (sổ vàng), certificate and decision PDFs,
digital signatures and public verification.

Entry points: services.decision_issue / decision_revoke (writes), tasks.render_decision(decision_id)
(the background job; idempotent), rendering.* (PDF and Excel), the render_certificates command.

Optional settings (read with getattr; defaults in brackets):
- CERTIFICATES_SIGNING_KEY, CERTIFICATES_SIGNING_CERT: PEM files of the signing identity [a self-signed
  demo identity generated on first use in CERTIFICATES_SIGNING_DIR, default var/signing/].
- CERTIFICATES_RENDER_WORKERS: processes rendering a batch [min(2, CPUs)].
- CERTIFICATES_RENDER_INLINE: render right after commit in the same process [False: a Huey job].
- SITE_URL: the base of the verification links printed in the QR codes.
"""
