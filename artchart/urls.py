from django.contrib import admin
from django.urls import include, path

from artchart.api import api
from artchart.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("login/", core_views.sign_in, name="login"),
    path("logout/", core_views.sign_out, name="logout"),
    path("keepalive/", core_views.keepalive, name="keepalive"),
    path("manage/", include("artchart.core.urls")),
    path("clients/", include("artchart.clients.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
