"""Countries (ISO 3166-1) with UN M49 regions, sectors, membership types and legal forms, in en/fr/es."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

SECTORS = [
    # code, en, fr, es, ISIC Rev.4, ICA activity codes (ESSGlobal activities-ica)
    ("construction", "Construction", "Construction", "Construcción", "F", "ICA70"),
    (
        "industrial_production",
        "Industrial production",
        "Production industrielle",
        "Producción industrial",
        "B C D E",
        "ICA80 ICA90 ICA100 ICA250",
    ),
    (
        "general_services",
        "General services",
        "Services généraux",
        "Servicios generales",
        "G I K L N S",
        "ICA120 ICA130 ICA140 ICA150 ICA210 ICA230 ICA240 ICA260 ICA280",
    ),
    ("transport", "Transport", "Transport", "Transporte", "H", "ICA220"),
    (
        "intellectual_skills",
        "Intellectual skills",
        "Professions intellectuelles",
        "Profesiones intelectuales",
        "J M P",
        "ICA110 ICA160",
    ),
    (
        "artisanal",
        "Artisanal activities",
        "Activités artisanales",
        "Actividades artesanales",
        "C13-C16 C31-C32 R90",
        "ICA60",
    ),
    ("health", "Health", "Santé", "Salud", "Q86", "ICA170"),
    ("social_care", "Social care", "Action sociale", "Servicios sociales", "Q87 Q88", "ICA180 ICA190 ICA200 ICA270"),
    ("other", "Other", "Autre", "Otro", "A O T U", "ICA10 ICA20 ICA30 ICA40 ICA50 ICA290"),
]
MEMBERSHIP_TYPES = [
    ("worker", "Worker", "Travailleurs", "Trabajadores", "BMT30"),
    ("producer", "Producer", "Producteurs", "Productores", "BMT20"),
    ("consumer_user", "Consumer/user", "Consommateurs/usagers", "Consumidores/usuarios", "BMT10"),
    ("multi_stakeholder", "Multi-stakeholder", "Multisociétariat", "Multiactor", "BMT40"),
    ("other", "Other", "Autre", "Otro", "BMT50 BMT60"),
]
LEGAL_FORMS = [
    ("cooperative_society", "Co-operative society", "Société coopérative", "Sociedad cooperativa"),
    ("worker_cooperative", "Worker co-operative", "Coopérative de travail associé", "Cooperativa de trabajo asociado"),
    ("social_cooperative", "Social co-operative", "Coopérative sociale", "Cooperativa social"),
    (
        "esop_company",
        "ESOP company",
        "Entreprise à actionnariat salarié (ESOP)",
        "Empresa de propiedad de los empleados (ESOP)",
    ),
    ("sal", "Sociedad anónima laboral", "Sociedad anónima laboral (SAL)", "Sociedad anónima laboral"),
    ("common_ownership", "Common-ownership company", "Entreprise en propriété commune", "Empresa de propiedad común"),
    ("other", "Other", "Autre", "Otra"),
]


def load(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Country = apps.get_model("core", "Country")
    Sector = apps.get_model("core", "Sector")
    MembershipType = apps.get_model("core", "MembershipType")
    LegalForm = apps.get_model("core", "LegalForm")
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for level in ("region", "subregion", "intermediate"):
        for r in rows:
            if r["level"] == level:
                Region.objects.create(
                    m49=r["m49"],
                    level=level,
                    parent_id=r["parent_m49"] or None,
                    **_no_names(Region),
                )
    with open(DATA / "countries.csv", encoding="utf-8", newline="") as f:
        Country.objects.bulk_create(
            Country(
                iso2=r["iso2"],
                iso3=r["iso3"],
                numeric=r["numeric"],
                **_no_names(Country),
                region_id=r["region_m49"] or None,
                subregion_id=r["subregion_m49"] or None,
                intermediate_region_id=r["intermediate_m49"] or None,
                developed=r["developed"] == "1",
            )
            for r in csv.DictReader(f)
        )
    for i, (code, en, fr, es, isic, ica) in enumerate(SECTORS):
        Sector.objects.create(code=code, position=i, name_en=en, name_fr=fr, name_es=es, isic=isic, ica_codes=ica)
    for i, (code, en, fr, es, ess) in enumerate(MEMBERSHIP_TYPES):
        MembershipType.objects.create(code=code, position=i, name_en=en, name_fr=fr, name_es=es, essglobal=ess)
    for i, (code, en, fr, es) in enumerate(LEGAL_FORMS):
        LegalForm.objects.create(code=code, position=i, name_en=en, name_fr=fr, name_es=es)


def _no_names(model):
    """Empty names where the model (as this migration sees it) still has columns for them: since 0010, country and
    region names come from CLDR, and the data files hold none."""
    fields = {f.name for f in model._meta.get_fields()}
    return {name: "" for name in ("name_en", "name_fr", "name_es") if name in fields}


def unload(apps, schema_editor):
    for model in ("LegalForm", "MembershipType", "Sector", "Country", "Region"):
        apps.get_model("core", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
