from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "rtis.ingest"
    verbose_name = _("가져오기와 내보내기")
