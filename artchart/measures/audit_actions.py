"""Audit actions of measures: administrations, links, schedules, risk alerts and Goal Attainment Scaling.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class MeasureAction(AuditAction):
    MEASURE_CRISIS_RESOURCES_SET = "measure.crisis_resources_set", "Changed the crisis resources shown to clients"
    MEASURE_GAS_RATE = "measure.gas_rate", "Rated a goal on Goal Attainment Scaling"
    MEASURE_LINK_CREATE = "measure.link_create", "Sent a link to complete a measure"
    MEASURE_RECORD = "measure.record", "Recorded a completed measure"
    MEASURE_RECORD_INCOMPLETE = "measure.record_incomplete", "Kept an unfinished measure (not scored)"
    MEASURE_RISK_ACKNOWLEDGED = "measure.risk_acknowledged", "Acknowledged a risk alert"
    MEASURE_RISK_ALERT = "measure.risk_alert", "Raised a risk alert from a measure"
    MEASURE_RISK_ESCALATED = "measure.risk_escalated", "Escalated a risk alert left unacknowledged"
    MEASURE_RISK_ESCALATION_SEEN = "measure.risk_escalation_seen", "Saw an escalated risk alert"
    MEASURE_SAFETY_PLAN_REVIEW = "measure.safety_plan_review", "Reviewed a safety plan with the client"
    MEASURE_SAFETY_PLAN_SIGN = "measure.safety_plan_sign", "Signed a safety plan"
    MEASURE_SCHEDULE_SET = "measure.schedule_set", "Set when a measure is due"
    MEASURE_SCHEDULE_STOP = "measure.schedule_stop", "Stopped a measure schedule"
