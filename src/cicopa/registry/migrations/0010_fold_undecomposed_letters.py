"""Search text folds more letters (ł, đ, ħ, ı, þ, ...; see core.text.fold): organisations whose names,
descriptions or cities hold one get their search columns again, so that 'lodz' finds 'Łódź'."""

from __future__ import annotations

import functools
import operator

from django.db import migrations
from django.db.models import Q

LETTERS = "łŁđĐðÐħĦıŀĿŧŦþÞĸŋŊ"
COLUMNS = ("name", "acronym", "description", "city")


def refold(apps, schema_editor):
    from cicopa.registry.models import search_columns

    Organisation = apps.get_model("registry", "Organisation")
    through = Organisation.sectors.through
    holds = functools.reduce(operator.or_, (Q(**{f"{c}__contains": letter}) for c in COLUMNS for letter in LETTERS))
    for org in Organisation.objects.filter(holds).iterator():
        sectors = list(through.objects.filter(organisation_id=org.pk).values_list("sector_id", flat=True))
        title, body, tags = search_columns(
            name=org.name,
            acronym=org.acronym,
            description=org.description,
            city=org.city,
            kind=org.kind,
            status=org.status,
            country_id=org.country_id,
            membership_type_id=org.membership_type_id,
            legal_form_id=org.legal_form_id,
            sector_codes=sectors,
        )
        Organisation.objects.filter(pk=org.pk).update(search_title=title, search_body=body, search_tags=tags)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_leaner_organisation_indexes")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
