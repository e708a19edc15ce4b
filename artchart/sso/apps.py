from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "artchart.sso"
    label = "sso"
    verbose_name = "Single sign-on"
