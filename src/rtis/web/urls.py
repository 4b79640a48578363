from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from rtis.portal import views as portal_views
from rtis.web import views
from rtis.web.sessions import session_status
from rtis.web.views import SignInView

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("start/", views.start, name="start"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/", session_status, name="session_status"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static("rtis/favicon.svg"), permanent=True)),
]
