from django.urls import path

from artchart.supplies import views

app_name = "supplies"

urlpatterns = [
    path("materials/", views.materials, name="materials"),
    path("materials/starting-catalogue/", views.catalogue_seed, name="catalogue_seed"),
    path("materials/<int:material_id>/edit/", views.material_edit, name="material_edit"),
    path("materials/sites/", views.sites, name="sites"),
    path("materials/sites/<int:site_id>/", views.site_rules, name="site_rules"),
    path("programs/directives/<int:directive_id>/materials/", views.directive_materials, name="directive_materials"),
    path(
        "programs/directives/<int:directive_id>/materials/<int:link_id>/remove/",
        views.directive_material_remove,
        name="directive_material_remove",
    ),
    path("sessions/<int:session_id>/materials/override/", views.safety_override, name="safety_override"),
]
