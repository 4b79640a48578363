from django.urls import path

from rtis.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("funds/", views.fund_list, name="funds"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/outcomes/", views.outcome_upload_page, name="outcomes"),
    path("<int:pk>/outcomes/template/", views.outcome_template, name="outcome_template"),
    path("<int:pk>/outcomes/upload/", views.outcome_upload, name="outcome_upload"),
]
