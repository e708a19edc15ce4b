"""Audit actions of sign-in, people, sites, care teams, API tokens, the audit report itself and reads of client records.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class CoreAction(AuditAction):
    AUDIT_EXPORT = "audit.export", "Exported the audit report"
    AUTH_ADDRESS_LOCKED = "auth.address_locked", "Was paused: too many failed sign-ins from one address"
    AUTH_LOCKED_OUT = "auth.locked_out", "Was locked out after failed sign-ins"
    AUTH_LOGIN = "auth.login", "Signed in"
    AUTH_LOGIN_FAILED = "auth.login_failed", "Failed to sign in"
    AUTH_LOGIN_LOCKED = "auth.login_locked", "Was refused sign-in: the account is locked"
    AUTH_LOCKOUT_CLEARED = "auth.lockout_cleared", "Cleared a sign-in lockout"
    AUTH_LOGOUT = "auth.logout", "Signed out"
    AUTH_MFA_ENROL = "auth.mfa_enrol", "Set up two-step sign-in"
    AUTH_MFA_FAILED = "auth.mfa_failed", "Entered a wrong two-step sign-in code"
    AUTH_MFA_RECOVERY_REGENERATED = "auth.mfa_recovery_regenerated", "Made new recovery codes"
    AUTH_MFA_RECOVERY_USED = "auth.mfa_recovery_used", "Signed in with a recovery code"
    AUTH_MFA_REMOVE = "auth.mfa_remove", "Removed two-step sign-in"
    AUTH_MFA_VERIFIED = "auth.mfa_verified", "Passed two-step sign-in"
    AUTH_PASSWORD_RESET_REQUESTED = "auth.password_reset_requested", "Asked for a password reset"
    AUTH_SESSION_EXPIRED = "auth.session_expired", "Signed out for inactivity or time limit"
    CLIENT_READ = "client.read", "Read a client record"
    DEMO_BACKDATE = "demo.backdate", "Placed the demo's past notes on their session days"
    DJANGO_ADMIN_ADD = "django_admin.add", "Added a record in Django admin"
    DJANGO_ADMIN_CHANGE = "django_admin.change", "Changed a record in Django admin"
    DJANGO_ADMIN_DELETE = "django_admin.delete", "Deleted a record in Django admin"
    ORGANIZATION_CREATE = "organization.create", "Created the organization"
    RECORD_SEAL = "record.seal", "Sealed a record signed before keyed hashes under the audit chain"
    SEED_LOAD = "seed.load", "Loaded synthetic clients"
    SITE_CREATE = "site.create", "Added a site"
    SITE_UPDATE = "site.update", "Changed a site"
    SUPERVISION_END = "supervision.end", "Ended a supervision link"
    SUPERVISION_START = "supervision.start", "Started a supervision link"
    TOKEN_ISSUE = "token.issue", "Issued an API token"
    TOKEN_REVOKE = "token.revoke", "Revoked an API token"
    TOKEN_USE = "token.use", "Used an API token"
    USER_CREATE = "user.create", "Created a user"
    USER_PASSWORD_SET = "user.password_set", "Set a password"
    USER_UPDATE = "user.update", "Changed a user"
