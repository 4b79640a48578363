from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "rtis.search"
    label = "search"
    verbose_name = _("검색")

    def ready(self) -> None:
        # The kinds this project indexes register themselves (rtis.search.kinds).
        from rtis.search import kinds  # noqa: F401
