from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "rtis.checks"
    label = "rtis_checks"
    verbose_name = _("데이터 점검")
