from django.urls import path

from artchart.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("care-teams/", views.care_team_overview, name="care_teams"),
    path("<int:client_id>/", views.client_chart, name="chart"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/diagnoses/new/", views.diagnosis_add, name="diagnosis_add"),
    path("<int:client_id>/diagnoses/<int:diagnosis_id>/remove/", views.diagnosis_remove, name="diagnosis_remove"),
    path("<int:client_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:client_id>/contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:client_id>/contacts/<int:contact_id>/remove/", views.contact_remove, name="contact_remove"),
    path("<int:client_id>/consents/new/", views.consent_add, name="consent_add"),
    path("<int:client_id>/consents/<int:consent_id>/", views.consent_detail, name="consent_detail"),
    path("<int:client_id>/consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("<int:client_id>/gathered/new/", views.gathered_info_add, name="gathered_add"),
    path("<int:client_id>/amendments/new/", views.amendment_add, name="amendment_add"),
    path("<int:client_id>/amendments/<int:amendment_id>/", views.amendment_detail, name="amendment_detail"),
    path("<int:client_id>/amendments/<int:amendment_id>/decide/", views.amendment_decide, name="amendment_decide"),
    path(
        "<int:client_id>/amendments/<int:amendment_id>/disagreement/",
        views.amendment_disagreement,
        name="amendment_disagreement",
    ),
    path("<int:client_id>/disclosures/", views.accounting, name="accounting"),
    path("<int:client_id>/disclosures/accounting.csv", views.accounting_csv, name="accounting_csv"),
    path("<int:client_id>/disclosures/new/", views.disclosure_add, name="disclosure_add"),
    path("<int:client_id>/disclosures/<int:disclosure_id>/", views.disclosure_detail, name="disclosure_detail"),
    path(
        "<int:client_id>/disclosures/<int:disclosure_id>/correct/", views.disclosure_correct, name="disclosure_correct"
    ),
    path("<int:client_id>/care-team/", views.care_team, name="care_team"),
    path("<int:client_id>/care-team/<int:membership_id>/remove/", views.care_team_remove, name="care_team_remove"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:client_id>/restriction/", views.restriction, name="restriction"),
    path("emergency/", views.emergency_search, name="emergency_search"),
    path("<int:client_id>/emergency/", views.emergency_request, name="emergency_request"),
    path("emergency/<int:access_id>/review/", views.emergency_review, name="emergency_review"),
]
