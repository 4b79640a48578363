from django.urls import include, path

app_name = "tracking"
urlpatterns = [
    path("bulk/", include("rtis.tracking.bulk_urls")),
]
