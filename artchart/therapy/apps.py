from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "artchart.therapy"
    label = "therapy"
    verbose_name = "Sessions, groups and notes"
