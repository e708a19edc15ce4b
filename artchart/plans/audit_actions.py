"""Audit actions of treatment plans and team conferences.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class PlanAction(AuditAction):
    CONFERENCE_ATTENDEE_ADD = "conference.attendee_add", "Added an attendee to a team conference"
    CONFERENCE_ATTENDEE_REMOVE = "conference.attendee_remove", "Removed an attendee from a team conference"
    CONFERENCE_PLAN_LINK = "conference.plan_link", "Linked a team conference to the plan version it led to"
    CONFERENCE_PLAN_UNLINK = "conference.plan_unlink", "Unlinked a team conference from a plan version"
    CONFERENCE_RECORD = "conference.record", "Recorded a team conference"
    CONFERENCE_UPDATE = "conference.update", "Corrected a team conference"
    PLAN_COSIGN = "plan.cosign", "Co-signed a treatment plan"
    PLAN_CREATE = "plan.create", "Opened a treatment plan draft"
    PLAN_GOAL_ADD = "plan.goal_add", "Added a goal to a treatment plan draft"
    PLAN_GOAL_REMOVE = "plan.goal_remove", "Removed a goal from a treatment plan draft"
    PLAN_GOAL_UPDATE = "plan.goal_update", "Changed a goal of a treatment plan draft"
    PLAN_INTERVENTION_ADD = "plan.intervention_add", "Planned an intervention in a treatment plan draft"
    PLAN_OBJECTIVE_ADD = "plan.objective_add", "Added an objective to a treatment plan draft"
    PLAN_OBJECTIVE_REMOVE = "plan.objective_remove", "Removed an objective from a treatment plan draft"
    PLAN_OBJECTIVE_UPDATE = "plan.objective_update", "Changed an objective of a treatment plan draft"
    PLAN_PLANNEDINTERVENTION_REMOVE = (
        "plan.plannedintervention_remove",
        "Removed a planned intervention from a treatment plan draft",
    )
    PLAN_PLANNEDINTERVENTION_UPDATE = (
        "plan.plannedintervention_update",
        "Changed a planned intervention of a treatment plan draft",
    )
    PLAN_PROBLEM_ADD = "plan.problem_add", "Added a problem to a treatment plan draft"
    PLAN_PROBLEM_REMOVE = "plan.problem_remove", "Removed a problem from a treatment plan draft"
    PLAN_PROBLEM_UPDATE = "plan.problem_update", "Changed a problem of a treatment plan draft"
    PLAN_RETURN = "plan.return", "Returned a treatment plan to the intern"
    PLAN_SIGN = "plan.sign", "Signed a treatment plan"
    PLAN_SUBMIT = "plan.submit", "Submitted a treatment plan for co-signature"
    PLAN_UPDATE = "plan.update", "Changed a treatment plan draft"
