from django.urls import path

from artchart.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("supervisees/", views.supervisees, name="supervisees"),
    path("<int:user_id>/", views.log, name="log"),
    path("<int:user_id>/from-sessions/", views.from_sessions, name="from_sessions"),
    path("<int:user_id>/progress/", views.progress, name="progress"),
    path("<int:user_id>/print/", views.print_log, name="print"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<int:entry_id>/return/", views.entry_return, name="entry_return"),
]
