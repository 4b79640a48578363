from django.urls import path

from rtis.portal import views

app_name = "portal"
urlpatterns = [
    path("plans/<slug:slug>/progress/", views.plan_progress, name="progress"),
    path("plans/<slug:slug>/progress/<str:code>/", views.node_progress, name="node_progress"),
    path("plans/<slug:slug>/publication/", views.publication, name="publication"),
    path("plans/<slug:slug>/progress/<str:code>/withhold/", views.withhold, name="withhold"),
    path("data/", views.data_index, name="data"),
    path("data/all.<str:kind>", views.bundle, name="bundle"),
    path("data/<slug:name>/", views.dataset, name="dataset"),
]
