"""Every page of the measures app; each area keeps its own list beside its views."""

from artchart.measures.views import client, program, public, safety

app_name = "measures"

urlpatterns = [*client.urlpatterns, *safety.urlpatterns, *public.urlpatterns, *program.urlpatterns]
