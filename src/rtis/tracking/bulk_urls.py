"""XLSX bulk entry routes, included by rtis.tracking.urls."""

from django.urls import path

from rtis.tracking import bulk_views

urlpatterns = [
    path("", bulk_views.bulk_index, name="bulk_index"),
    path("template/", bulk_views.bulk_template, name="bulk_template"),
    path("upload/", bulk_views.bulk_upload, name="bulk_upload"),
]
