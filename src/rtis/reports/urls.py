from django.urls import path

from rtis.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("<int:pk>/download.<str:fmt>", views.download, name="download"),
]
