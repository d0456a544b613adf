"""The public register: no login, read-only, paged, searchable by name, unit and year, each award
linked to its certificate's verification page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
