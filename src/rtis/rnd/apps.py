from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RndConfig(AppConfig):
    name = "rtis.rnd"
    label = "rnd"
    verbose_name = _("서울형 R&D")
