"""The starting catalogue: the common studio materials and the population profiles a new
practice begins from. Plain data (no Django); ``services.catalogue_seed`` writes it once per
organization, adding only what the practice does not have by name, and the practice edits
its own copy from then on. Costs are typical catalogue prices, for the budget to start from.
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.supplies.safety import ALLERGEN, DUST, LATEX, LIGATURE, SHARP, SMALL_PART, SOLVENT_FUMES


@dataclass(frozen=True)
class MaterialSeed:
    name: str
    category: str
    unit: str
    whole_units: bool
    seal: str  # "AP", "CL" or "" (no seal: tools and found objects)
    hazards: tuple[str, ...] = ()
    allergen: str = ""
    min_age: int | None = None
    supplier: str = "Studio supply wholesaler"
    unit_cost: str = "0.00"


M = MaterialSeed
MATERIALS: tuple[MaterialSeed, ...] = (
    # drawing
    M("Graphite pencils", "drawing", "pencil", True, "AP", unit_cost="0.45"),
    M("Coloured pencils (set of 24)", "drawing", "set", True, "AP", unit_cost="6.50"),
    M("Wax crayons (set of 16)", "drawing", "set", True, "AP", unit_cost="2.20"),
    M("Oil pastels (set of 24)", "drawing", "set", True, "AP", unit_cost="5.80"),
    M("Chalk pastels (set of 24)", "drawing", "set", True, "AP", (DUST,), unit_cost="7.40"),
    M("Charcoal sticks", "drawing", "stick", True, "AP", (DUST,), unit_cost="0.60"),
    M("Washable markers (set of 12)", "drawing", "set", True, "AP", unit_cost="4.90"),
    M("Permanent markers", "drawing", "marker", True, "CL", (SOLVENT_FUMES,), min_age=13, unit_cost="1.30"),
    M("Drawing paper (A3)", "paper", "sheet", True, "", unit_cost="0.12"),
    M("Heavy watercolour paper (A4)", "paper", "sheet", True, "", unit_cost="0.35"),
    M("Coloured card (A4)", "paper", "sheet", True, "", unit_cost="0.10"),
    # paint
    M("Watercolour pan set", "paint", "set", True, "AP", unit_cost="6.00"),
    M("Tempera paint", "paint", "ml", False, "AP", unit_cost="0.02"),
    M("Acrylic paint", "paint", "ml", False, "AP", unit_cost="0.04"),
    M("Oil paint", "paint", "ml", False, "CL", (SOLVENT_FUMES,), min_age=16, unit_cost="0.12"),
    M("Odourless mineral spirits", "paint", "ml", False, "CL", (SOLVENT_FUMES,), min_age=18, unit_cost="0.03"),
    M("Paintbrushes (large grip)", "tools", "brush", True, "", unit_cost="1.10"),
    # sculpture and clay
    M("Air-dry clay", "clay", "g", False, "AP", (SMALL_PART, DUST), unit_cost="0.01"),
    M("Polymer clay", "clay", "block", True, "AP", (SMALL_PART,), min_age=8, unit_cost="2.40"),
    M("Modelling clay (plasticine)", "clay", "g", False, "AP", (SMALL_PART,), unit_cost="0.01"),
    M("Plaster of Paris", "clay", "g", False, "CL", (DUST,), min_age=13, unit_cost="0.01"),
    M("Wooden clay tools", "tools", "tool", True, "", unit_cost="0.80"),
    M("Papier-mâché wheat paste", "collage", "g", False, "AP", (ALLERGEN,), "wheat", unit_cost="0.02"),
    M("Papier-mâché mask blank", "sculpture", "mask", True, "", unit_cost="1.90"),
    # collage and fibre
    M("Glue stick", "collage", "stick", True, "AP", unit_cost="0.90"),
    M("PVA glue", "collage", "ml", False, "AP", unit_cost="0.01"),
    M("Collage magazines", "collage", "magazine", True, "", unit_cost="0.00"),
    M("Spray fixative", "collage", "can", True, "CL", (SOLVENT_FUMES,), min_age=18, unit_cost="8.50"),
    M("Yarn", "fibre", "m", False, "", (LIGATURE, ALLERGEN), "wool", unit_cost="0.05"),
    M("String", "fibre", "m", False, "", (LIGATURE,), unit_cost="0.02"),
    M("Ribbon", "fibre", "m", False, "", (LIGATURE,), unit_cost="0.10"),
    M("Pipe cleaners", "fibre", "piece", True, "", (SHARP, LIGATURE), unit_cost="0.05"),
    M("Beads", "fibre", "bead", True, "", (SMALL_PART,), min_age=4, unit_cost="0.01"),
    M("Buttons", "fibre", "button", True, "", (SMALL_PART,), min_age=4, unit_cost="0.03"),
    M("Latex balloons", "sculpture", "balloon", True, "", (LATEX, SMALL_PART), min_age=8, unit_cost="0.08"),
    # tools
    M("Safety scissors", "tools", "pair", True, "", unit_cost="1.20"),
    M("Sharp scissors", "tools", "pair", True, "", (SHARP,), min_age=10, unit_cost="3.50"),
    M("Craft knife", "tools", "knife", True, "", (SHARP,), min_age=16, unit_cost="2.80"),
    M("Compass (drawing)", "tools", "compass", True, "", (SHARP,), min_age=10, unit_cost="2.10"),
    M("Sewing needles", "tools", "needle", True, "", (SHARP, SMALL_PART), min_age=10, unit_cost="0.05"),
    M("Craft wire", "sculpture", "m", False, "", (SHARP, LIGATURE), min_age=12, unit_cost="0.15"),
    M("Small cardboard box", "sculpture", "box", True, "", unit_cost="0.40"),
)


@dataclass(frozen=True)
class ProfileSeed:
    kind: str
    name: str
    forbidden: tuple[str, ...]
    supervised: tuple[str, ...]
    ap_only: bool
    typical_goals: str
    group_size: int
    session_minutes: int
    art_leaves_room: bool


P = ProfileSeed
PROFILES: tuple[ProfileSeed, ...] = (
    P(
        "school",
        "School",
        (SOLVENT_FUMES,),
        (SHARP, SMALL_PART),
        True,
        "Emotional regulation, social skills, self-esteem, coping with school and family change.",
        6,
        45,
        True,
    ),
    P(
        "memory_care",
        "Nursing home and memory care",
        (SHARP, SOLVENT_FUMES),
        (SMALL_PART, LIGATURE, DUST),
        True,
        "Reminiscence, orientation, fine-motor use, mood, connection with others.",
        8,
        45,
        True,
    ),
    P(
        "forensic",
        "Prison and forensic unit",
        (SHARP, LIGATURE, SOLVENT_FUMES),
        (SMALL_PART,),
        False,
        "Emotional regulation, impulse control, insight, preparing for release.",
        8,
        60,
        False,
    ),
    P(
        "shelter",
        "Shelter (domestic violence, homeless)",
        (SOLVENT_FUMES,),
        (SHARP, LIGATURE),
        False,
        "Safety, stabilisation, self-worth, coping with transition.",
        8,
        60,
        True,
    ),
    P(
        "inpatient_psychiatry",
        "Inpatient psychiatry",
        (SHARP, LIGATURE, SOLVENT_FUMES),
        (SMALL_PART,),
        False,
        "Stabilisation, expression of feelings, reality orientation, discharge readiness.",
        8,
        50,
        False,
    ),
    P(
        "oncology",
        "Oncology",
        (DUST, SOLVENT_FUMES),
        (SHARP, LATEX),
        False,
        "Coping with illness and treatment, anxiety, meaning-making, legacy work.",
        4,
        45,
        True,
    ),
    P(
        "paediatric_hospital",
        "Paediatric hospital",
        (SOLVENT_FUMES, LATEX),
        (SHARP, SMALL_PART, DUST),
        True,
        "Coping with hospitalisation and procedures, mastery, play, family connection.",
        4,
        30,
        True,
    ),
    P(
        "wellness",
        "Wellness centre",
        (),
        (SOLVENT_FUMES,),
        False,
        "Stress reduction, self-care, creativity, community.",
        12,
        90,
        True,
    ),
    P(
        "private_practice",
        "Private practice",
        (),
        (SOLVENT_FUMES,),
        False,
        "The client's own treatment goals.",
        1,
        50,
        True,
    ),
)

# The profile a site of each population type starts from (its code in ``core``'s PopulationType).
PROFILE_FOR_POPULATION = {
    "school": "school",
    "nursing_home": "memory_care",
    "forensic": "forensic",
    "shelter": "shelter",
    "inpatient_psychiatry": "inpatient_psychiatry",
    "hospital_medical": "oncology",
    "wellness": "wellness",
    "outpatient": "private_practice",
}
