"""The library's topics in English, French and Spanish."""

from django.db import migrations

TOPICS = [
    ("governance", "Governance", "Gouvernance", "Gobernanza"),
    ("finance", "Finance and capital", "Financement et capital", "Financiación y capital"),
    (
        "transfers",
        "Worker buy-outs and business transfers",
        "Reprises d'entreprises par les salariés et transmissions",
        "Recuperación de empresas por sus trabajadores y transmisiones",
    ),
    ("social", "Social co-operatives", "Coopératives sociales", "Cooperativas sociales"),
    ("procurement", "Public procurement", "Marchés publics", "Contratación pública"),
    ("training", "Training", "Formation", "Formación"),
    ("technology", "Technology", "Technologie", "Tecnología"),
    ("youth", "Youth and employment", "Jeunesse et emploi", "Juventud y empleo"),
    ("women", "Women's participation", "Participation des femmes", "Participación de las mujeres"),
    ("crisis", "Crisis and conversion", "Crise et reconversion", "Crisis y reconversión"),
    ("markets", "Export and markets", "Export et marchés", "Exportación y mercados"),
    (
        "legislation",
        "Legislation and public policy",
        "Législation et politiques publiques",
        "Legislación y políticas públicas",
    ),
    ("networks", "Networks and inter-cooperation", "Réseaux et intercoopération", "Redes e intercooperación"),
    ("environment", "Environment and energy", "Environnement et énergie", "Medio ambiente y energía"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("knowledge", "Topic")
    for position, (code, en, fr, es) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_fr": fr, "name_es": es, "position": position}
        )


def unload(apps, schema_editor):
    apps.get_model("knowledge", "Topic").objects.filter(code__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_experiences_and_topics")]
    operations = [migrations.RunPython(load, unload)]
