"""Needs sources belong to a département (schema, step 1 of 3): the field, nullable until
0003 fills it; the old per-file-name uniqueness goes (0004 adds it back per département)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("territory", "0001_initial"),
        ("zones", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="needssource",
            name="needs_source_unique_file",
        ),
        migrations.AddField(
            model_name="needssource",
            name="departement",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="needs_sources", to="territory.departement"),
        ),
        migrations.AlterModelOptions(
            name="needssource",
            options={"ordering": ["departement", "kind", "file_name"],
                     "verbose_name": "fichier de besoins",
                     "verbose_name_plural": "fichiers de besoins"},
        ),
    ]
