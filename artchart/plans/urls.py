from django.urls import path

from artchart.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/problems/new/", views.problem_add, name="problem_add"),
    path("<int:plan_id>/problems/<int:problem_id>/goals/new/", views.goal_add, name="goal_add"),
    path("<int:plan_id>/goals/<int:goal_id>/objectives/new/", views.objective_add, name="objective_add"),
    path("<int:plan_id>/interventions/new/", views.intervention_add, name="intervention_add"),
    path("<int:plan_id>/<str:kind>/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<int:plan_id>/<str:kind>/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("<int:plan_id>/sign/", views.plan_sign, name="sign"),
    path("<int:plan_id>/submit/", views.plan_submit, name="submit"),
    path("<int:plan_id>/cosign/", views.plan_cosign, name="cosign"),
    path("<int:plan_id>/return/", views.plan_return, name="return"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("conferences/new/", views.conference_create, name="conference_create"),
    path("conferences/<int:conference_id>/", views.conference_detail, name="conference_detail"),
    path("conferences/<int:conference_id>/edit/", views.conference_edit, name="conference_edit"),
    path("conferences/<int:conference_id>/attendees/", views.conference_attendee_add, name="conference_attendee_add"),
    path(
        "conferences/<int:conference_id>/attendees/<int:attendee_id>/remove/",
        views.conference_attendee_remove,
        name="conference_attendee_remove",
    ),
    path("conferences/<int:conference_id>/plans/", views.conference_plan_link, name="conference_plan_link"),
    path(
        "conferences/<int:conference_id>/plans/<int:plan_id>/remove/",
        views.conference_plan_unlink,
        name="conference_plan_unlink",
    ),
]
