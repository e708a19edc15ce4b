"""The project's URLs plus one page the benchmarks measure against: an empty authenticated page.

Only ``artchart bench`` uses this URL configuration (through ``override_settings``), so the
page is never served by a real ArtChart and needs no rule in the URL access test.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from artchart.urls import urlpatterns as project_urlpatterns


@require_GET
@login_required
def blank(request):
    """The base layout with nothing in it: what every page pays before its own content."""
    return render(request, "base.html", {})


urlpatterns = [path("bench/blank/", blank, name="bench_blank"), *project_urlpatterns]
