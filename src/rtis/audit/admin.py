from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from rtis.audit.log import field_values, jsonable, record_change, record_create, record_delete
from rtis.audit.models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes land in the audit trail like every action's do."""

    def save_model(self, request: Any, obj: models.Model, form: Any, change: bool) -> None:
        concrete = {f.name: f.attname for f in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        before = {}
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            before = field_values(stored, [concrete[name] for name in changed])
        super().save_model(request, obj, form, change)
        if not change:
            record_create(request.user, obj, reason="admin")
            return
        after = field_values(obj, [concrete[name] for name in changed])
        other = {name: [None, jsonable(form.cleaned_data.get(name))]
                 for name in form.changed_data if name not in concrete}
        record_change(request.user, obj, {**{k: [before[k], after[k]] for k in after}, **other},
                      reason="admin")

    def delete_model(self, request: Any, obj: models.Model) -> None:
        record_delete(request.user, obj, reason="admin")
        super().delete_model(request, obj)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in formset.deleted_objects:
            record_delete(request.user, instance, reason="admin")
            instance.delete()
        for instance in instances:
            created = instance.pk is None
            instance.save()
            if created:
                record_create(request.user, instance, reason="admin")
            else:
                record_change(request.user, instance, {"edited": [None, str(instance)]},
                              reason="admin")
        formset.save_m2m()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor_name"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
