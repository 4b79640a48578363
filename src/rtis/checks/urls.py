from django.urls import path

from rtis.checks import views

app_name = "checks"
urlpatterns = [path("", views.index, name="index")]
