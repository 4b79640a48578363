from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from rtis.audit.admin import AuditedModelAdmin
from rtis.orgs.models import (
    Department,
    DepartmentAlias,
    DepartmentName,
    DepartmentParent,
    Reorganisation,
    User,
)


class DepartmentNameInline(admin.TabularInline):
    model = DepartmentName
    extra = 0


class DepartmentParentInline(admin.TabularInline):
    model = DepartmentParent
    fk_name = "department"
    extra = 0
    autocomplete_fields = ["parent"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "parent", "established_on", "abolished_on"]
    list_filter = ["kind"]
    search_fields = ["name", "names__name", "aliases__name"]
    # The parent of today follows the dated history (상위 조직 이력) below; edit that instead.
    readonly_fields = ["parent"]
    inlines = [DepartmentNameInline, DepartmentParentInline, DepartmentAliasInline]
    list_select_related = ["parent"]


@admin.register(Reorganisation)
class ReorganisationAdmin(AuditedModelAdmin):
    list_display = ["effective_on", "title"]


@admin.register(User)
class RtisUserAdmin(UserAdmin, AuditedModelAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("RTIS", {"fields": ("role", "departments")}))
    list_display = ["username", "role", "email", "is_active"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["departments", "groups", "user_permissions"]
