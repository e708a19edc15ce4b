from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo practice builder and ``artchart demo`` / ``artchart seed``: last in the order, imported by no app."""

    name = "artchart.demo"
    label = "demo"
    verbose_name = "Demo practice"
