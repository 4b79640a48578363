from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rtis.audit"
    verbose_name = _("변경 이력")
