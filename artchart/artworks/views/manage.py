"""The practice's assessment types (admins and program admins): the shipped ones, and its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from artchart.artworks.forms import AssessmentTypeForm
from artchart.artworks.models import AssessmentType
from artchart.artworks.services import assessments as services
from artchart.core.access import require_role
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage

SAVED = UserMessage("assessment_type_saved", "The assessment type was saved.")


def _types_for(user):
    require_role(user, *services.MANAGER_ROLES)
    return AssessmentType.objects.filter(Q(organization__isnull=True) | Q(organization_id=user.organization_id))


@require_GET
@login_required
def assessment_type_list(request):
    types = _types_for(request.user).order_by("organization_id", "name")
    return render(
        request,
        "artworks/manage/assessment_types.html",
        {
            "nav": "assessment_types",
            "shipped": [t for t in types if t.organization_id is None],
            "own": [t for t in types if t.organization_id is not None],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_type_edit(request, assessment_id: int | None = None):
    assessment = None
    if assessment_id is not None:
        # The shipped assessments are shared by every practice and are not edited here.
        assessment = (
            _types_for(request.user).filter(pk=assessment_id, organization_id=request.user.organization_id).first()
        )
        if assessment is None:
            raise Http404
    else:
        require_role(request.user, *services.MANAGER_ROLES)
    initial = {"is_active": True}
    if assessment is not None:
        initial = {name: getattr(assessment, name) for name in services.FIELDS}
        initial["rating_scales"] = services.scales_as_text(assessment.rating_scales)
    form = AssessmentTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()
            if assessment is None:
                services.assessment_type_create(by=request.user, **fields)
            else:
                services.assessment_type_update(by=request.user, assessment=assessment, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("artworks:assessment_type_list")
    return render(
        request,
        "artworks/manage/assessment_type_form.html",
        {"nav": "assessment_types", "form": form, "assessment": assessment},
    )
