"""Every page of the therapy app; each area keeps its own list beside its views."""

from artchart.therapy.views import groups, notes, confidential, sessions

app_name = "therapy"

urlpatterns = [*sessions.urlpatterns, *groups.urlpatterns, *notes.urlpatterns, *confidential.urlpatterns]
