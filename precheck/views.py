"""Ask the assistant to check a document again (after a failed check, or for an older file)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.errors import DossierError, NotPermitted
from dossiers.models import Document

from . import services


@login_required
@require_POST
def retry(request, document_pk):
    document = get_object_or_404(Document.objects.select_related("dossier"), pk=document_pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        from django.urls import reverse

        target = reverse("dossiers:detail", args=[document.dossier_id])
    try:
        services.precheck_request(document=document, actor=request.user)
    except NotPermitted:
        raise Http404 from None
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, _("Đã yêu cầu trợ lý kiểm tra lại “%(name)s”.") % {"name": document.original_name})
    return redirect(target)
