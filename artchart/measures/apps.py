from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "artchart.measures"
    label = "measures"
    verbose_name = "Measures and outcomes"
