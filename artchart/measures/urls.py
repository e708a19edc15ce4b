"""Every page of the measures app: a client's measures, answering outside the record (link and tablet),
program effectiveness."""

from django.urls import path

from artchart.measures.views import client, program, public, safety

app_name = "measures"

urlpatterns = [
    # a client's measures, risk alerts, links, schedules, goal ratings and the tablet hand-off's start
    path("clients/<int:client_id>/measures/", client.client_measures, name="client_measures"),
    path("clients/<int:client_id>/measures/new/", client.administer, name="administer"),
    path("clients/<int:client_id>/measures/handoff/", client.handoff_start, name="handoff_start"),
    path(
        "clients/<int:client_id>/measures/<int:administration_id>/",
        client.administration_detail,
        name="administration_detail",
    ),
    path("clients/<int:client_id>/measures/alerts/<int:alert_id>/", client.alert_acknowledge, name="alert_acknowledge"),
    path("clients/<int:client_id>/measures/links/new/", client.link_create, name="link_create"),
    path("clients/<int:client_id>/measures/links/<int:link_id>/resend/", client.link_resend, name="link_resend"),
    path("clients/<int:client_id>/measures/schedules/new/", client.schedule_set, name="schedule_set"),
    path(
        "clients/<int:client_id>/measures/schedules/<int:schedule_id>/stop/", client.schedule_stop, name="schedule_stop"
    ),
    path("clients/<int:client_id>/measures/goals/<int:goal_id>/rate/", client.gas_rate, name="gas_rate"),
    # the safety plan: versions, reviews with the client, the client's printable copy
    path("clients/<int:client_id>/safety-plan/", safety.safety_plan, name="safety_plan"),
    path("clients/<int:client_id>/safety-plan/new/", safety.safety_plan_new, name="safety_plan_new"),
    path(
        "clients/<int:client_id>/safety-plan/<int:plan_id>/review/",
        safety.safety_plan_review,
        name="safety_plan_review",
    ),
    path(
        "clients/<int:client_id>/safety-plan/<int:plan_id>/print/", safety.safety_plan_print, name="safety_plan_print"
    ),
    # answering outside the record (a link at home, the tablet in a session) and the crisis resources
    path("m/<str:token>/", public.public_link, name="public_link"),
    path("m/<str:token>/save", public.public_link_save, name="public_link_save"),
    path("measures/handoff/", public.handoff, name="handoff"),
    path("measures/handoff/save", public.handoff_save, name="handoff_save"),
    path("measures/handoff/return/", public.handoff_return, name="handoff_return"),
    path("manage/crisis-resources/", public.crisis_resources, name="crisis_resources"),
    # program effectiveness (aggregates only)
    path("measures/programs/", program.program_effectiveness_page, name="program_effectiveness"),
    path("measures/programs/export.csv", program.program_effectiveness_csv, name="program_effectiveness_csv"),
]
