from django.urls import path

from rtis.ntis import views

app_name = "ntis"
urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("stats/download.<str:ntis_fmt>", views.stats_download, name="stats_download"),
    path("projects/", views.project_search, name="projects"),
    path("projects/<str:ntis_no>/<int:ntis_year>/", views.project_detail, name="project"),
]
