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
]
