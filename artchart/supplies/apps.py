from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "artchart.supplies"
    label = "supplies"
    verbose_name = "Materials and studio safety"
