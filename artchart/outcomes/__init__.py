"""The outcomes core: instrument scoring, reliable change, GAS, effect sizes and rater agreement.

Pure Python with numpy and scipy; nothing here imports Django. See docs/outcomes.md.
"""

from artchart.outcomes.agreement import HALF_POINTS_0_TO_5, Agreement, icc_1_1, icc_2_1, weighted_kappa
from artchart.outcomes.change import (
    ChangeResult,
    ClinicalNormsMissing,
    Course,
    classify_course,
    clinical_cutoff,
    cutoff_a,
    cutoff_b,
    cutoff_c,
    default_method,
    difference_se,
    reliable_change,
    standard_error,
)
from artchart.outcomes.effect import MIN_GROUP_SIZE, PairedEffect, hedges_correction, paired_effect
from artchart.outcomes.gas import gas_t_score
from artchart.outcomes.instrument_files import (
    ADDONS_DIR,
    OLDEST_AGE,
    SHIPPED_DIR,
    Instrument,
    InstrumentFileError,
    load_instrument_file,
    load_instruments,
    parse_instrument,
)
from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import (
    Partial,
    Score,
    ScoringError,
    alert_severity,
    answered,
    find_instrument,
    score,
)

__all__ = [
    "ADDONS_DIR",
    "HALF_POINTS_0_TO_5",
    "MIN_GROUP_SIZE",
    "OLDEST_AGE",
    "SHIPPED_DIR",
    "Agreement",
    "ChangeResult",
    "ClinicalNormsMissing",
    "Course",
    "Insufficient",
    "Instrument",
    "InstrumentFileError",
    "PairedEffect",
    "Partial",
    "Score",
    "ScoringError",
    "alert_severity",
    "answered",
    "classify_course",
    "clinical_cutoff",
    "cutoff_a",
    "cutoff_b",
    "cutoff_c",
    "default_method",
    "difference_se",
    "find_instrument",
    "gas_t_score",
    "hedges_correction",
    "icc_1_1",
    "icc_2_1",
    "load_instrument_file",
    "load_instruments",
    "paired_effect",
    "parse_instrument",
    "reliable_change",
    "score",
    "standard_error",
    "weighted_kappa",
]
