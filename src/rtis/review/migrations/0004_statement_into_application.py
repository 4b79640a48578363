"""The applicant's statement (department, participants) moves into the online application.

Screening reads the application as submitted (rtis.rnd): its principal investigator's
department and its participants. Each ApplicantStatement is copied there before the model is
dropped: the department onto the principal investigator (a person of the organisation, made
from the typed name when the application names none; an existing person's department is kept
when it already has one — the organisation's own data wins), each participant's name onto a
person of the organisation (found by name, or added) linked to the application.
"""

from typing import Any

from django.db import migrations, models


def copy_statements(apps: Any, schema_editor: Any) -> None:
    statement_model = apps.get_model("review", "ApplicantStatement")
    person_model = apps.get_model("rnd", "Person")
    for statement in statement_model.objects.select_related(
            "application__pi", "application__organisation").order_by("pk"):
        application = statement.application
        organisation = application.organisation
        department = (statement.department or "").strip()[:100]
        pi = application.pi
        if pi is None and application.principal_investigator.strip():
            name = application.principal_investigator.strip()[:100]
            pi = (person_model.objects.filter(organisation=organisation, name=name)
                  .order_by("pk").first()
                  or person_model.objects.create(organisation=organisation, name=name,
                                                 department=department))
            application.pi = pi
            application.save(update_fields=["pi"])
        if pi is not None and department and not pi.department.strip():
            pi.department = department
            pi.save(update_fields=["department"])
        for raw in statement.participants or []:
            name = str(raw).strip()[:100]
            if not name or (pi is not None and name == pi.name):
                continue
            person = (person_model.objects.filter(organisation=organisation, name=name)
                      .order_by("pk").first()
                      or person_model.objects.create(organisation=organisation, name=name))
            application.participants.add(person)


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0003_declared_application_avoided_people"),
        ("rnd", "0004_join_requests"),
    ]

    operations = [
        migrations.RunPython(copy_statements, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApplicantStatement"),
        migrations.AddField(
            model_name="conflictfinding",
            name="matched",
            field=models.JSONField(blank=True, default=dict, verbose_name="일치한 내용"),
        ),
    ]
