"""The public register: no login, read-only, paged, searchable by name, unit and year, each award
linked to its certificate's verification page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from api.selectors import may_see_history, person_history

from . import selectors

PAGE_SIZE = 25


@require_GET
def index(request):
    filters = selectors.RegisterFilters.from_query(request.GET)
    paginator = Paginator(selectors.awards(filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "register/index.html", {
        "page": page, "filters": filters, "years": selectors.years(), "units": selectors.units(),
        "query": query.urlencode(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person(request):
    """Quá trình khen thưởng của một cá nhân (once-only): every award with its decision and certificate,
    found by CCCD (posted, never in the URL), for the roles allowed to see it (api.selectors.
    may_see_history). Unknown and not allowed give the same answer."""
    from dossiers.models import Person
    from dossiers.models.units import citizen_id_ok

    context = {"searched": False, "person": None, "awards": [], "error": None}
    if request.method == "POST":
        cccd = "".join((request.POST.get("cccd") or "").split())[:20]
        context["searched"] = True
        if not citizen_id_ok(cccd):
            context["error"] = _("Số CCCD gồm đúng 12 chữ số.")
            return render(request, "register/person.html", context, status=400)
        found = Person.objects.filter(citizen_id=cccd).first()
        if found is not None and may_see_history(request.user, found):
            context.update(person=found, awards=person_history(found))
    return render(request, "register/person.html", context)
