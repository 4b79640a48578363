from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineageConfig(AppConfig):
    name = "rtis.lineage"
    label = "lineage"
    verbose_name = _("계획 간 사업 연계")
