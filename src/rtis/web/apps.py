from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "rtis.web"
    verbose_name = _("화면")

    def ready(self) -> None:
        from rtis.config import checks  # noqa: F401  (registers the start-up checks)
