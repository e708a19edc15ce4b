"""The directive and program library: a list with a form to add, and an edit page, for each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from artchart.core.forms_util import add_service_errors
from artchart.core.selectors import active_sites_for
from artchart.programs import selectors, services
from artchart.programs.forms import DirectiveForm, ProgramForm

KINDS = {
    "directive": {
        "form": DirectiveForm,
        "list": selectors.directives_for,
        "get": selectors.directive_get,
        "create": services.directive_create,
        "update": services.directive_update,
        "title": "Directive library",
        "singular": "directive",
        "url": "programs:directives",
    },
    "program": {
        "form": ProgramForm,
        "list": selectors.programs_for,
        "get": selectors.program_get,
        "create": services.program_create,
        "update": services.program_update,
        "title": "Programs",
        "singular": "program",
        "url": "programs:programs",
    },
}


def _library(request, kind: str):
    spec = KINDS[kind]
    may_manage = services.may_manage_library(request.user)
    form = spec["form"](request.POST or None, sites=active_sites_for(request.user)) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(services.NOT_A_LIBRARY_MANAGER)
        if form.is_valid():
            try:
                spec["create"](by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"The {spec['singular']} was added.")
                return redirect(spec["url"])
    return render(
        request,
        "programs/library.html",
        {
            "nav": "programs",
            "kind": kind,
            "spec": spec,
            "entries": list(spec["list"](request.user)),
            "form": form,
            "may_manage": may_manage,
        },
    )


def _edit(request, kind: str, entry_id: int):
    spec = KINDS[kind]
    if not services.may_manage_library(request.user):
        raise PermissionDenied(services.NOT_A_LIBRARY_MANAGER)
    entry = spec["get"](request.user, entry_id)
    form = spec["form"](
        request.POST or None, instance=spec["get"](request.user, entry_id), sites=active_sites_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            spec["update"](by=request.user, **{kind: entry}, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The {spec['singular']} was saved.")
            return redirect(spec["url"])
    return render(request, "programs/edit.html", {"nav": "programs", "spec": spec, "entry": entry, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def directives(request):
    return _library(request, "directive")


@require_http_methods(["GET", "POST"])
@login_required
def directive_edit(request, directive_id: int):
    return _edit(request, "directive", directive_id)


@require_http_methods(["GET", "POST"])
@login_required
def programs(request):
    return _library(request, "program")


@require_http_methods(["GET", "POST"])
@login_required
def program_edit(request, program_id: int):
    return _edit(request, "program", program_id)
