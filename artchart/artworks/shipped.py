"""The art-based assessments ArtChart ships (PPAT and the other common ones); a practice adds its own as data.

They are written after every ``migrate`` and every ``flush`` (Django's post_migrate signal), so a
database never lacks them — the test suite's flush between browser tests included.
"""

from __future__ import annotations

from django.apps import apps as global_apps

# (code, name, task, media as the protocol words it, source, rated with FEATS, standard medium)
SHIPPED = [
    (
        "ppat",
        "PPAT — Person Picking an Apple from a Tree",
        "Draw a person picking an apple from a tree.",
        "12×18 in white paper, 12 water-colour markers",
        "Gantt & Tabone",
        True,
        "marker",
    ),
    (
        "dds",
        "Diagnostic Drawing Series",
        "Three pictures, 15 minutes each: a free picture; a tree; how you're feeling in lines, shapes and colours.",
        "18×24 in paper, 12 chalk pastels",
        "Cohen 1982",
        False,
        "chalk_pastel",
    ),
    (
        "htp",
        "House-Tree-Person",
        "A house, a tree, a whole person, one sheet each.",
        "Pencil, letter paper",
        "Buck 1948",
        False,
        "pencil",
    ),
    (
        "kfd",
        "Kinetic Family Drawing",
        "Everyone in your family, including you, doing something.",
        "Pencil",
        "Burns & Kaufman",
        False,
        "pencil",
    ),
    (
        "bridge",
        "Bridge Drawing",
        "A bridge from some place to some place; an arrow for direction, a dot for yourself.",
        "Paper, any drawing tools",
        "Hays & Lyons 1981",
        False,
        "",
    ),
    (
        "mari",
        "MARI Card Test",
        "A mandala in a printed circle; symbol and colour card choices.",
        "Pastels, cards",
        "Kellogg",
        False,
        "chalk_pastel",
    ),
    (
        "sdt",
        "Silver Drawing Test",
        "Predictive drawing, drawing from observation, drawing from imagination.",
        "Pencil, stimulus drawings",
        "Silver",
        False,
        "pencil",
    ),
]


def seed_shipped_assessments(sender=None, using="default", apps=None, **kwargs) -> None:
    """Create any shipped assessment that is missing; never changes one that exists."""
    AssessmentType = (apps or global_apps).get_model("artworks", "AssessmentType")
    for code, name, task, media, source, feats, standard in SHIPPED:
        AssessmentType.objects.using(using).get_or_create(
            organization=None,
            code=code,
            defaults={
                "name": name,
                "task": task,
                "media": media,
                "source": source,
                "feats_ratable": feats,
                "standard_media": standard,
            },
        )
