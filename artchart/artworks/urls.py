"""Every page of the artworks app; each area keeps its own list beside its views."""

from artchart.artworks.views import artworks, manage, photos, studio

app_name = "artworks"

urlpatterns = [*artworks.urlpatterns, *photos.urlpatterns, *studio.urlpatterns, *manage.urlpatterns]
