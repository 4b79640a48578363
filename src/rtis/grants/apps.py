from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "rtis.grants"
    label = "grants"
    verbose_name = _("R&D 협약·성과")
