from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "artchart.programs"
    label = "programs"
    verbose_name = "Programs and directives"
