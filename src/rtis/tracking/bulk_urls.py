"""XLSX bulk entry routes, included by rtis.tracking.urls."""

urlpatterns: list = []  # type: ignore[type-arg]
