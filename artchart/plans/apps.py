from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "artchart.plans"
    label = "plans"
    verbose_name = "Treatment plans"
