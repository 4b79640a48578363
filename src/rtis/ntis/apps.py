from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NtisConfig(AppConfig):
    name = "rtis.ntis"
    label = "ntis"
    verbose_name = _("NTIS 연계·R&D 통계")
