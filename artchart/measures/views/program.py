"""Program effectiveness: how a group of clients changed on one instrument, as aggregates only.

Program administrators see their whole organization; clinicians see the clients whose
record they read. No client is named, and a group smaller than MEASURES_MIN_GROUP_SIZE
shows no figure at all, so a filter cannot single anyone out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from artchart import outcomes
from artchart.core.access import require_role
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.measures.forms import CohortForm
from artchart.measures.selectors import (
    PROGRAM_ROLES,
    TOO_FEW,
    Effectiveness,
    program_effectiveness,
)

DEFAULT_INSTRUMENT = "phq9"
KINDS = ("recovered", "improved", "unchanged", "deteriorated")
KIND_LABELS = {
    "recovered": "Recovered",
    "improved": "Improved",
    "unchanged": "Unchanged",
    "deteriorated": "Deteriorated",
}


def _form(request) -> CohortForm:
    data = request.GET.copy()
    if not data.get("instrument"):
        data["instrument"] = DEFAULT_INSTRUMENT
    return CohortForm(request.user, data)


def _size(g: float) -> str:
    """Cohen's (1988) rough conventions for a standardized mean difference."""
    size = abs(g)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "medium"
    return "large"


INTERVAL_INCLUDES_ZERO = UserMessage(
    "interval_includes_zero",
    "The interval includes zero: we cannot tell whether the change is real, "
    "or only the chance rise and fall of scores.",
)


@dataclass
class Figures:
    """What the page and the CSV print, with the words for each figure."""

    result: Effectiveness
    effect: outcomes.PairedEffect | None
    effect_missing: str
    direction: str
    size: str
    shares: list[tuple[str, str, float]]
    uncertain: str = ""  # INTERVAL_INCLUDES_ZERO when the mean change's interval spans zero

    @property
    def instrument(self):
        return self.result.instrument


def figures_of(result: Effectiveness) -> Figures:
    effect = result.effect if isinstance(result.effect, outcomes.PairedEffect) else None
    missing = result.effect.reason if isinstance(result.effect, outcomes.Insufficient) else ""
    direction = ""
    if effect is not None:
        better = effect.mean_change < 0 if result.instrument.higher_is_worse else effect.mean_change > 0
        if effect.mean_change == 0:
            direction = "no change on average"
        else:
            better_end = "lower" if result.instrument.higher_is_worse else "higher"
            direction = ("an improvement" if better else "a worsening") + (
                f" on {result.instrument.short_name}, where {better_end} scores are better"
            )
    shares = (
        [(kind, KIND_LABELS[kind], result.shares.get(kind, 0.0)) for kind in KINDS]
        if not result.hidden and result.shares
        else []
    )
    uncertain = INTERVAL_INCLUDES_ZERO if effect is not None and effect.ci_low <= 0 <= effect.ci_high else ""
    return Figures(result, effect, missing, direction, _size(effect.g_z) if effect else "", shares, uncertain)


@require_GET
@login_required
def program_effectiveness_page(request):
    require_role(request.user, *PROGRAM_ROLES)
    form = _form(request)
    figures = figures_of(program_effectiveness(request.user, form.filters())) if form.is_valid() else None
    return render(
        request,
        "measures/program/effectiveness.html",
        {
            "nav": "outcomes",
            "form": form,
            "figures": figures,
            "filters": form.described() if form.is_valid() else [],
            "query": request.GET.urlencode(),
            "program_admin": request.user.role == Role.PROGRAM_ADMIN,
        },
    )


CSV_HEADER = [
    "instrument",
    "program",
    "population",
    "site",
    "directive",
    "primary_therapist",
    "from",
    "to",
    "n_with_pre_and_post",
    "minimum_group_size",
    "mean_pre",
    "mean_post",
    "mean_change",
    "mean_change_ci_low",
    "mean_change_ci_high",
    "confidence",
    "cohens_d_z",
    "hedges_g_z",
    "hedges_g_z_ci_low",
    "hedges_g_z_ci_high",
    "share_recovered",
    "share_improved",
    "share_unchanged",
    "share_deteriorated",
    "rule",
    "note",
]


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection); numbers to 3 decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@login_required
def program_effectiveness_csv(request):
    require_role(request.user, *PROGRAM_ROLES)
    form = _form(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="program-effectiveness-{timezone.localdate():%Y%m%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Filters'}: {' '.join(messages)}"
            for name, messages in form.errors.items()
        )
        writer.writerow([""] * (len(CSV_HEADER) - 1) + [_cell(f"No figures: the filters are not valid ({errors})")])
        return response
    result = program_effectiveness(request.user, form.filters())
    figures = figures_of(result)
    row = [value for _, value in form.described()] + [result.n, result.minimum]
    effect = figures.effect
    if result.hidden:
        row += [None] * 14 + ["", TOO_FEW.format(minimum=result.minimum, n=result.n)]
    else:
        row += [result.mean_pre, result.mean_post]
        if effect is not None:
            row += [
                effect.mean_change,
                effect.ci_low,
                effect.ci_high,
                effect.confidence,
                effect.d_z,
                effect.g_z,
                effect.g_ci_low,
                effect.g_ci_high,
            ]
        else:
            row += [result.mean_post - result.mean_pre] + [None] * 7
        row += [result.shares.get(kind, 0.0) if result.shares else None for kind in KINDS]
        row += [
            result.rule,
            f"No effect size or interval: {figures.effect_missing}" if effect is None else figures.uncertain,
        ]
    writer.writerow([_cell(value) for value in row])
    return response
