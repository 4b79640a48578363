from django.contrib import admin

from rtis.audit.admin import AuditedModelAdmin
from rtis.oversight.models import CouncilSession


@admin.register(CouncilSession)
class CouncilSessionAdmin(AuditedModelAdmin):
    list_display = ["key", "title", "committee", "year"]
