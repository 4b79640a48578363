from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from rtis.web.sessions import session_status
from rtis.web.views import SignInView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False), name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/", session_status, name="session_status"),
]
