"""The unit's giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF), printable once the dossier is submitted.
Rendering and serving live here, not in the domain (dossiers imports no printing)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from dossiers import selectors


@login_required
@require_GET
def dossier_receipt(request, pk):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, printable once the dossier is submitted."""
    from ..receipts import receipt_pdf

    dossier = selectors.visible_dossier_or_404(request.user, pk)
    if dossier.submitted_at is None:
        raise Http404
    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-ho-so-{dossier.pk}.pdf"'
    return response
