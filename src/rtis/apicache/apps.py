from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiCacheConfig(AppConfig):
    name = "rtis.apicache"
    label = "apicache"
    verbose_name = _("API 응답 캐시")

    def ready(self) -> None:
        from rtis.apicache import version

        version.install()
