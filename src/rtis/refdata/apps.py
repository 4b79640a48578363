from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefdataConfig(AppConfig):
    name = "rtis.refdata"
    label = "refdata"
    verbose_name = _("기준 코드")
