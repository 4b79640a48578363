from django.contrib import admin

from rtis.audit.admin import AuditedModelAdmin
from rtis.plans.models import FundingSource

# Plans, nodes and money are edited in RTIS's own pages and imports (actions, locking, audit);
# the admin keeps the master data only.


@admin.register(FundingSource)
class FundingSourceAdmin(AuditedModelAdmin):
    list_display = ["code", "label", "label_en", "position"]
    list_editable = ["label", "label_en", "position"]

    def has_add_permission(self, request: object) -> bool:
        return False  # codes are fixed (DESIGN.md); labels are editable

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
