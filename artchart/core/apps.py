from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "artchart.core"
    label = "core"
    verbose_name = "Organization, people and audit"

    def ready(self) -> None:
        from artchart.core.signed_records import seal_after_migrate  # noqa: PLC0415 - app code loads once apps are ready

        post_migrate.connect(seal_after_migrate, sender=self, dispatch_uid="core.seal_legacy_records")
