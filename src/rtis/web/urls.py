from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from rtis.web import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("start/", views.start, name="start"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
