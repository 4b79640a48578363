from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "rtis.orgs"
    verbose_name = _("조직과 사용자")
