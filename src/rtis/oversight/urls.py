from django.urls import path

from rtis.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("<slug:key>/", views.session_detail, name="detail"),
]
