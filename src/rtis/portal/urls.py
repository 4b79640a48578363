from django.urls import path

from rtis.portal import views
from rtis.portal.datasets import DATASETS

app_name = "portal"
urlpatterns = [
    path("plans/<slug:slug>/progress/", views.plan_progress, name="progress"),
    path("plans/<slug:slug>/progress/<str:code>/", views.node_progress, name="node_progress"),
    path("plans/<slug:slug>/publication/", views.publication, name="publication"),
    path("plans/<slug:slug>/progress/<str:code>/withhold/", views.withhold, name="withhold"),
    path("data/", views.data_index, name="data"),
    path("data/reports/<int:pk>/download.<str:fmt>", views.public_report, name="public_report"),
    path("reports/<int:pk>/publication/", views.report_publication, name="report_publication"),
    path("data/all.zip", views.bundle, {"kind": "zip"}, name="bundle_zip"),
    path("data/all.sqlite3", views.bundle, {"kind": "sqlite3"}, name="bundle_sqlite"),
    # One route per dataset (stable addresses: /data/plans/, /data/council-items/ …).
    *(path(f"data/{key}/", views.dataset, {"name": key}, name=f"dataset_{key.replace('-', '_')}")
      for key in DATASETS),
]
