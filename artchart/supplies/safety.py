"""The studio safety check: a session's materials against the site's rules and each client's precautions.

A pure module (no Django): it takes plain values and returns the conflicts, each with its
reason in plain words, so the session page, the note and the tests all read the same
answer. Allergies are free text in the client record, so an allergen is matched by name,
case-insensitively, as a whole word anywhere in it ("Wheat (flour paste)" matches
``wheat``); a client whose allergy is written another way ("gluten") is not matched, which
is why the record's own precautions stay on the page beside the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# The fixed vocabulary of hazard tags (the catalogue stores these codes).
SHARP = "sharp"
LIGATURE = "ligature"
SMALL_PART = "small_part"
DUST = "dust"
SOLVENT_FUMES = "solvent_fumes"
LATEX = "latex"
ALLERGEN = "allergen"
HAZARDS: dict[str, tuple[str, str]] = {
    # code: (label, the plural the reasons use)
    SHARP: ("Sharp", "sharps"),
    LIGATURE: ("Ligature risk", "ligature-risk items"),
    SMALL_PART: ("Small part / ingestion", "small parts"),
    DUST: ("Dust", "dusty media"),
    SOLVENT_FUMES: ("Solvent / fumes", "solvents and fumes"),
    LATEX: ("Latex", "latex items"),
    ALLERGEN: ("Allergen", "named allergens"),
}
# What "supervised" asks of the therapist, for each tag.
SUPERVISION = {
    SHARP: "count out and in",
    LIGATURE: "count out and in",
    SMALL_PART: "count out and in, and watch for mouthing",
    DUST: "work it wet and ventilate",
    SOLVENT_FUMES: "ventilate, or use an odourless substitute",
    LATEX: "check for latex allergies first",
    ALLERGEN: "check for allergies first",
}
SEAL_AP = "AP"
SEAL_CL = "CL"
# ACMI's CL seal: never for children in grade 6 and under (about 12 and younger).
CHILD_AGE = 12

FORBIDDEN = "forbidden"
CLIENT = "client"
SUPERVISED = "supervised"


@dataclass(frozen=True)
class MaterialFacts:
    id: int
    name: str
    hazards: frozenset[str] = frozenset()
    allergen: str = ""
    seal: str = ""
    min_age: int | None = None


@dataclass(frozen=True)
class SiteRules:
    site: str
    forbidden: frozenset[str] = frozenset()
    supervised: frozenset[str] = frozenset()
    ap_only: bool = False


@dataclass(frozen=True)
class ClientFacts:
    id: int
    name: str
    age: int | None = None
    latex_allergy: bool = False
    allergies: str = ""
    sharps_restriction: bool = False
    ligature_risk: bool = False
    choking_risk: bool = False
    self_harm_risk: bool = False


@dataclass(frozen=True)
class Conflict:
    """One finding. ``level`` is ``forbidden`` (the site's rules), ``client`` (one client's
    precautions) or ``supervised`` (allowed with supervision: not a conflict, a reminder).
    ``key`` names it stably, so an override recorded for it is found again."""

    material_id: int
    material: str
    level: str
    reason: str
    client_id: int | None = None
    tag: str = ""
    key: str = field(default="")

    @property
    def is_conflict(self) -> bool:
        return self.level != SUPERVISED


def _plural(tag: str) -> str:
    return HAZARDS[tag][1]


def allergy_named(allergen: str, allergies: str) -> bool:
    """Whether the free-text allergies name the allergen (case-insensitive, whole word)."""
    allergen = allergen.strip()
    if not allergen or not allergies:
        return False
    return re.search(rf"\b{re.escape(allergen)}\b", allergies, flags=re.IGNORECASE) is not None


def _conflict(
    material: MaterialFacts, level: str, reason: str, *, client_id: int | None = None, tag: str = ""
) -> Conflict:
    who = "site" if client_id is None else str(client_id)
    return Conflict(
        material_id=material.id,
        material=material.name,
        level=level,
        reason=f"{material.name} — {reason}",
        client_id=client_id,
        tag=tag,
        key=f"{material.id}:{who}:{tag or 'seal'}",
    )


def _site_findings(material: MaterialFacts, rules: SiteRules) -> list[Conflict]:
    found = []
    for tag in sorted(material.hazards):
        if tag in rules.forbidden:
            found.append(_conflict(material, FORBIDDEN, f"{_plural(tag)} are forbidden at {rules.site}", tag=tag))
        elif tag in rules.supervised:
            found.append(
                _conflict(
                    material, SUPERVISED, f"{_plural(tag)} are supervised at {rules.site}: {SUPERVISION[tag]}", tag=tag
                )
            )
    if rules.ap_only and material.seal == SEAL_CL:
        found.append(
            _conflict(material, FORBIDDEN, f"CL-sealed (cautionary label) materials are not used at {rules.site}")
        )
    return found


def _client_findings(material: MaterialFacts, client: ClientFacts) -> list[Conflict]:
    found = []
    hazards = material.hazards

    def add(reason: str, tag: str) -> None:
        found.append(_conflict(material, CLIENT, reason, client_id=client.id, tag=tag))

    if LATEX in hazards and client.latex_allergy:
        add(f"{client.name} is allergic to latex", LATEX)
    if ALLERGEN in hazards and allergy_named(material.allergen, client.allergies):
        add(f"{client.name} is allergic to {material.allergen.strip().lower()}", ALLERGEN)
    if SHARP in hazards and (client.sharps_restriction or client.self_harm_risk):
        why = "is restricted from sharps" if client.sharps_restriction else "is at risk of self-harm"
        add(f"{client.name} {why}", SHARP)
    if LIGATURE in hazards and (client.ligature_risk or client.self_harm_risk):
        why = "is at ligature risk" if client.ligature_risk else "is at risk of self-harm"
        add(f"a ligature risk: {client.name} {why}", LIGATURE)
    if SMALL_PART in hazards and client.choking_risk:
        add(f"a small-part/choking risk for {client.name}", SMALL_PART)
    if client.age is not None:
        if material.min_age is not None and client.age < material.min_age:
            add(f"for ages {material.min_age} and over; {client.name} is {client.age}", "age")
        if material.seal == SEAL_CL and client.age <= CHILD_AGE:
            add(f"CL-sealed (cautionary label), never for a child of {client.age} ({client.name})", "seal")
        if SOLVENT_FUMES in hazards and client.age <= CHILD_AGE:
            add(f"solvents and fumes are never used with children ({client.name} is {client.age})", SOLVENT_FUMES)
    return found


def check(materials: Iterable[MaterialFacts], rules: SiteRules, clients: Iterable[ClientFacts]) -> list[Conflict]:
    """Every finding for these materials at this site with these clients: the site's
    forbidden and supervised tags first, then each client's, in the order given."""
    clients = list(clients)
    found: list[Conflict] = []
    for material in materials:
        found.extend(_site_findings(material, rules))
        for client in clients:
            found.extend(_client_findings(material, client))
    return found
