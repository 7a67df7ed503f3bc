"""A return line may be of one subdivision of the return's country (ISO 3166-2), so that a return gives a sector
and membership type by region. Every existing line is of the whole country (''), and the lines unique by
(return, sector, membership type) stay unique by (return, sector, membership type, subdivision)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0004_audit_action_names"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="returnline",
            options={
                "ordering": ["sector__position", "membership_type__position", "subdivision"],
                "verbose_name": "return line",
                "verbose_name_plural": "return lines",
            },
        ),
        migrations.AddField(
            model_name="returnline",
            name="subdivision",
            field=models.CharField(blank=True, default="", max_length=6, verbose_name="subdivision"),
        ),
        migrations.AddConstraint(
            model_name="returnline",
            constraint=models.UniqueConstraint(
                fields=("statistical_return", "sector", "membership_type", "subdivision"),
                name="one_line_per_sector_type_and_subdivision",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="returnline",
            name="one_line_per_sector_and_type",
        ),
    ]
