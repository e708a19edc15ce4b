"""Every page of core. Signing in and out, resetting a password and the dashboard sit at the site's root
without a namespace (``root_urlpatterns``: the settings and Django's password-reset views name them bare, as
"login"); the admin and account pages sit under manage/ in the ``core`` namespace."""

from django.urls import path

from artchart.core import auth_views, views

root_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.sign_in, name="login"),
    path("welcome/", auth_views.first_run, name="first_run"),
    path("login/verify/", auth_views.sign_in_verify, name="login_verify"),
    path("login/enrol/", auth_views.mfa_enrol, name="mfa_enrol"),
    path("password-reset/", auth_views.password_reset, name="password_reset"),
    path("password-reset/sent/", auth_views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", auth_views.password_reset_complete, name="password_reset_complete"),
    path("logout/", views.sign_out, name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
]

app_name = "core"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
    path("users/<int:user_id>/two-step/reset/", views.user_mfa_reset, name="user_mfa_reset"),
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:site_id>/", views.site_edit, name="site_edit"),
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/<int:link_id>/end/", views.supervision_end, name="supervision_end"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/<int:throttle_id>/clear/", views.lockout_clear, name="lockout_clear"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("account/", views.account, name="tokens"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-step/", auth_views.mfa_settings, name="mfa"),
    path("account/two-step/recovery-codes/", auth_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("account/two-step/remove/", auth_views.mfa_remove, name="mfa_remove"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
