from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from artchart.api import api
from artchart.api import not_found as api_not_found
from artchart.core import urls as core_urls

urlpatterns = [
    # Signing in and out, a forgotten password, the dashboard: at the root, without a namespace.
    path("", include(core_urls.root_urlpatterns)),
    # Single sign-on (sso/login/, sso/callback/: 404 until configured) and its admin page, manage/sign-in/.
    path("", include("artchart.sso.urls")),
    path("manage/", include("artchart.core.urls")),
    path("clients/", include("artchart.clients.urls")),
    path("clients/<int:client_id>/plans/", include("artchart.plans.urls")),
    path("programs/", include("artchart.programs.urls")),
    # Sessions, schedule, groups, notes, process notes, reports and incidents.
    path("", include("artchart.therapy.urls")),
    # Artworks, their photos, ratings, the timeline, retrospective and trends.
    path("", include("artchart.artworks.urls")),
    # Measures, risk alerts, answering by link, the tablet hand-off, program effectiveness.
    path("", include("artchart.measures.urls")),
    # Printing and exporting a client's record as documents (PDF, Word).
    path("clients/<int:client_id>/reports/", include("artchart.reports.urls")),
    # Hours toward the credential: the supervisee's log, progress and printable log; the supervisor's view.
    path("hours/", include("artchart.supervision.urls")),
    # The materials catalogue, sites' rules, directives' materials and the session safety check.
    path("", include("artchart.supplies.urls")),
    path("api/v1/", api.urls),
    # Any other path under api/ answers a JSON 404 (and so is never redirected to add a slash).
    re_path(r"^api/", api_not_found),
    # Django admin's own login would skip the second factor and the lockout: send it to ours.
    path("django-admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("django-admin/", admin.site.urls),
]
