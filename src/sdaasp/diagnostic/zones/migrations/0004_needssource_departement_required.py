"""Needs sources belong to a département (schema, step 3 of 3): the département is required
and a file name is unique per département, kind and level."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("territory", "0001_initial"),
        ("zones", "0003_needssource_departement_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="needssource",
            name="departement",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="needs_sources", to="territory.departement"),
        ),
        migrations.AddConstraint(
            model_name="needssource",
            constraint=models.UniqueConstraint(
                fields=("departement", "kind", "level", "file_name"),
                name="needs_source_unique_dep_file"),
        ),
    ]
