from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "artchart.supervision"
    label = "supervision"
    verbose_name = "Supervision toward the credential"
