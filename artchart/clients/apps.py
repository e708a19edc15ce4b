from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "artchart.clients"
    label = "clients"
    verbose_name = "Clients"
