from django.urls import path

from artchart.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.programs, name="programs"),
    path("<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("directives/", views.directives, name="directives"),
    path("directives/<int:directive_id>/edit/", views.directive_edit, name="directive_edit"),
]
