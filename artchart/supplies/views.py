"""The materials catalogue, the sites' rules, a directive's materials, and going ahead with a
session's conflict. Thin: find through a selector, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from artchart.core.access import require_role
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.permissions import Action
from artchart.programs.selectors import directive_get, directives_for
from artchart.programs.services import NOT_A_LIBRARY_MANAGER, may_manage_library
from artchart.supplies import selectors, services
from artchart.supplies.forms import DirectiveMaterialForm, MaterialForm, OverrideForm, SiteRulesForm
from artchart.supplies.models import Category, DirectiveMaterial
from artchart.therapy.selectors.sessions import session_get_for_user

SEEDED = UserMessage(
    "catalogue_seeded", "Added {materials} materials, {profiles} population profiles and the rules of {sites} sites."
)
NOTHING_TO_SEED = UserMessage("catalogue_complete", "The catalogue already holds every common studio material.")
MATERIAL_ADDED = UserMessage("material_added", "The material was added.")
MATERIAL_SAVED = UserMessage("material_saved", "The material was saved.")
RULES_SAVED = UserMessage("site_rules_saved", "The site's rules were saved.")
DIRECTIVE_MATERIAL_SAVED = UserMessage("directive_material_saved", "The directive's material was saved.")
DIRECTIVE_MATERIAL_REMOVED = UserMessage("directive_material_removed", "The material was taken off the directive.")
OVERRIDDEN = UserMessage("safety_overridden", "Your reason to go ahead is recorded.")


@require_http_methods(["GET", "POST"])
@login_required
def materials(request):
    may_keep = services.may_keep_catalogue(request.user)
    form = MaterialForm(request.POST or None) if may_keep else None
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied(services.NOT_A_CATALOGUE_KEEPER)
        if form.is_valid():
            try:
                services.material_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MATERIAL_ADDED)
                return redirect("supplies:materials")
    entries = list(selectors.materials_for(request.user))
    category = request.GET.get("category", "")
    shown = [m for m in entries if not category or m.category == category]
    return render(
        request,
        "supplies/materials.html",
        {
            "nav": "materials",
            "materials": shown,
            "categories": Category.choices,
            "category": category,
            "form": form,
            "may_keep": may_keep,
            "may_seed": request.user.role == Role.ADMIN,
            "empty_catalogue": not entries,
            "directives": list(directives_for(request.user)),
        },
    )


@require_POST
@login_required
def catalogue_seed(request):
    require_role(request.user, Role.ADMIN)
    added, profiles, sites = services.catalogue_seed(by=request.user)
    if added or profiles or sites:
        messages.success(request, SEEDED.format(materials=added, profiles=profiles, sites=sites))
    else:
        messages.info(request, NOTHING_TO_SEED)
    return redirect("supplies:materials")


@require_http_methods(["GET", "POST"])
@login_required
def material_edit(request, material_id: int):
    if not services.may_keep_catalogue(request.user):
        raise PermissionDenied(services.NOT_A_CATALOGUE_KEEPER)
    material = selectors.material_get(request.user, material_id)
    form = MaterialForm(request.POST or None, instance=selectors.material_get(request.user, material_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.material_update(by=request.user, material=material, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MATERIAL_SAVED)
            return redirect("supplies:materials")
    return render(request, "supplies/material_edit.html", {"nav": "materials", "material": material, "form": form})


@require_http_methods(["GET"])
@login_required
def sites(request):
    return render(
        request,
        "supplies/sites.html",
        {
            "nav": "materials",
            "sites": selectors.sites_with_rules(request.user),
            "profiles": list(selectors.profiles_for(request.user)),
            "may_keep": services.may_keep_catalogue(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def site_rules(request, site_id: int):
    if not services.may_keep_catalogue(request.user):
        raise PermissionDenied(services.NOT_A_CATALOGUE_KEEPER)
    site = selectors.site_get(request.user, site_id)
    current = selectors.site_rules_of(site)
    initial = {}
    if current is not None:
        initial = {
            "profile": current.profile,
            "forbidden": current.forbidden,
            "supervised": current.supervised,
            "ap_only": current.ap_only,
            "reason": current.loosened_reason,
        }
    form = SiteRulesForm(request.POST or None, initial=initial, profiles=selectors.profiles_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.site_rules_set(by=request.user, site=site, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, RULES_SAVED)
            return redirect("supplies:sites")
    return render(
        request, "supplies/site_rules.html", {"nav": "materials", "site": site, "rules": current, "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def directive_materials(request, directive_id: int):
    directive = directive_get(request.user, directive_id)
    may_manage = may_manage_library(request.user)
    form = (
        DirectiveMaterialForm(
            request.POST or None, materials=selectors.materials_for(request.user).filter(is_active=True)
        )
        if may_manage
        else None
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(NOT_A_LIBRARY_MANAGER)
        if form.is_valid():
            try:
                services.directive_material_set(by=request.user, directive=directive, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, DIRECTIVE_MATERIAL_SAVED)
                return redirect("supplies:directive_materials", directive_id=directive.pk)
    return render(
        request,
        "supplies/directive_materials.html",
        {
            "nav": "programs",
            "directive": directive,
            "links": selectors.directive_materials(directive),
            "form": form,
            "may_manage": may_manage,
        },
    )


@require_POST
@login_required
def directive_material_remove(request, directive_id: int, link_id: int):
    if not may_manage_library(request.user):
        raise PermissionDenied(NOT_A_LIBRARY_MANAGER)
    directive = directive_get(request.user, directive_id)
    link = get_object_or_404(DirectiveMaterial, pk=link_id, directive=directive)
    services.directive_material_remove(by=request.user, link=link)
    messages.success(request, DIRECTIVE_MATERIAL_REMOVED)
    return redirect("supplies:directive_materials", directive_id=directive.pk)


@require_POST
@login_required
def safety_override(request, session_id: int):
    access = session_get_for_user(request.user, session_id, action=Action.WRITE)
    session = access.session
    form = OverrideForm(request.POST)
    back = reverse("therapy:session_detail", args=[session.pk]) + "#materials"
    if not form.is_valid():
        messages.error(request, services.OVERRIDE_NEEDS_REASON)
        return redirect(back)
    try:
        services.safety_override(by=request.user, session=session, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, OVERRIDDEN)
    return redirect(back)
