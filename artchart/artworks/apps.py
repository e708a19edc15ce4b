from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArtworksConfig(AppConfig):
    name = "artchart.artworks"
    label = "artworks"
    verbose_name = "Artworks"

    def ready(self) -> None:
        from artchart.artworks.shipped import seed_shipped_assessments  # noqa: PLC0415 - app code loads once apps are ready

        post_migrate.connect(seed_shipped_assessments, sender=self, dispatch_uid="artworks.shipped_assessments")
