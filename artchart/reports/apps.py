from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "artchart.reports"
    label = "reports"
    verbose_name = "Reports"
