from django.contrib import admin

from rtis.plans.models import FundingSource, Plan


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "label_en", "position"]
    list_editable = ["label", "label_en", "position"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "document_number", "approved_on", "published"]
    list_select_related = ["department"]
    readonly_fields = ["slug", "version", "created_at", "updated_at"]
