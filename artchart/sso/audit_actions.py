"""Audit actions of single sign-on.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class SsoAction(AuditAction):
    AUTH_LOGIN_REFUSED = "auth.login_refused", "Was refused by single sign-on as an unknown user"
    SSO_IDENTITY_LINK = "sso.identity_link", "Linked an identity-provider account"
    SSO_LOCAL_PASSWORDS_SET = "sso.local_passwords_set", "Changed whether local passwords may be used"
