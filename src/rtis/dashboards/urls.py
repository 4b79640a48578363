from django.urls import path

from rtis.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("execution/", views.execution, name="execution"),
    path("execution/records/", views.execution_records, name="execution_records"),
    path("projection/", views.projection, name="projection"),
    path("projection/records/", views.projection_records, name="projection_records"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/records/", views.indicator_records, name="indicator_records"),
    path("milestones/", views.milestones, name="milestones"),
    path("milestones/records/", views.milestone_records, name="milestone_records"),
]
