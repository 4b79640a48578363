from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "rtis.oversight"
    verbose_name = _("의회 지적사항")
