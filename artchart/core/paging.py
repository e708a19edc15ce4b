"""Pagination shared by every list page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def page_of(request, items, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current filters as a query string, for the pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
