from django.urls import path

from rtis.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.department_list, name="list"),
    path("<int:pk>/", views.department_detail, name="detail"),
]
