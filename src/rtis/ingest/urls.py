from django.urls import path

from rtis.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.import_index, name="index"),
    path("<int:pk>/", views.batch_detail, name="batch"),
]
