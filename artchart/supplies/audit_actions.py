"""Audit actions of the materials catalogue, the site rules and the studio safety check.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class SuppliesAction(AuditAction):
    CATALOGUE_SEED = "supplies.catalogue_seed", "Loaded the common studio materials and population profiles"
    MATERIAL_CREATE = "supplies.material_create", "Added a material to the catalogue"
    MATERIAL_UPDATE = "supplies.material_update", "Changed a material in the catalogue"
    PROFILE_UPDATE = "supplies.profile_update", "Changed a population profile"
    SITE_RULES_SET = "supplies.site_rules_set", "Set a site's materials rules"
    SITE_RULES_LOOSENED = "supplies.site_rules_loosened", "Loosened a site's materials rules, with a reason"
    DIRECTIVE_MATERIAL_SET = "supplies.directive_material_set", "Set a material a directive needs"
    DIRECTIVE_MATERIAL_REMOVE = "supplies.directive_material_remove", "Removed a material from a directive"
    SAFETY_OVERRIDE = "supplies.safety_override", "Recorded a reason to go ahead with a materials conflict"
