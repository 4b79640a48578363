from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "rtis.web"
    verbose_name = _("화면")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from rtis.config import checks  # noqa: F401  (registers the start-up checks)
        from rtis.web import checks as web_checks  # noqa: F401  (registers rtis.E002)
        from rtis.web import sessions, signin

        user_login_failed.connect(signin.on_login_failed, dispatch_uid="rtis-signin-failed")
        user_logged_in.connect(signin.on_logged_in, dispatch_uid="rtis-signin-ok")
        user_logged_in.connect(sessions.on_logged_in, dispatch_uid="rtis-session-start")
