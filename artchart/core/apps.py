from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "artchart.core"
    label = "core"
    verbose_name = "Organization, people and audit"
