"""Create the funding sources named in DESIGN.md (data migration: no app code imported)."""

from django.db import migrations

SOURCES = [
    ("city", "시비", "City", 1),
    ("national", "국비", "National", 2),
    ("district", "구비", "District", 3),
    ("sh", "SH공사", "SH Corporation", 4),
    ("private", "민자", "Private", 5),
    ("fund", "모태펀드", "Fund of funds", 6),
    ("other", "기타", "Other", 7),
]


def create_sources(apps, schema_editor):
    FundingSource = apps.get_model("plans", "FundingSource")
    for code, label, label_en, position in SOURCES:
        FundingSource.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "position": position}
        )


def remove_sources(apps, schema_editor):
    apps.get_model("plans", "FundingSource").objects.filter(
        code__in=[code for code, *_ in SOURCES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(create_sources, remove_sources)]
