from django.apps import AppConfig

from artchart.core.permissions import register_chart_relations


class ClientsConfig(AppConfig):
    name = "artchart.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        # Core asks how a user stands to a client through this; see core.permissions.ChartRelations.
        from artchart.clients import relations  # noqa: PLC0415 - uses models: loadable only once apps are ready

        register_chart_relations(relations)
