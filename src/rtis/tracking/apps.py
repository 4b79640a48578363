from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "rtis.tracking"
    verbose_name = _("성과관리")
