"""URL routes: pages, the admin, and the JSON API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from rtis.config.api import api

urlpatterns = [
    path("", include("rtis.web.urls")),
    path("plans/", include("rtis.plans.urls")),
    path("checks/", include("rtis.checks.urls")),
    path("orgs/", include("rtis.orgs.urls")),
    path("oversight/", include("rtis.oversight.urls")),
    path("reports/", include("rtis.reports.urls")),
    path("imports/", include("rtis.ingest.urls")),
    path("tracking/", include("rtis.tracking.urls")),
    path("dashboards/", include("rtis.dashboards.urls")),
    path("rnd/", include("rtis.rnd.urls")),
    path("", include("rtis.portal.urls")),
    path("facilities/", include("rtis.facilities.urls")),
    path("lineage/", include("rtis.lineage.urls")),
    path("review/", include("rtis.review.urls")),
    path("grants/", include("rtis.grants.urls")),
    path("search/", include("rtis.search.urls")),
    path("ntis/", include("rtis.ntis.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
