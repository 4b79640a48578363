from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "rtis.facilities"
    label = "facilities"
    verbose_name = _("앵커시설·입주기업·펀드")
