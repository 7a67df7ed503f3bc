"""Reference data for tests that run with real transactions."""


def restore_reference_data():
    """After a test with real transactions the tables are emptied: put back the reference data that migrations
    load (countries, regions, sectors, ...; the exchange's product categories and units; the library's topics),
    for the next one."""
    import importlib

    from django.apps import apps

    from cicopa.core.models import Country
    from cicopa.exchange.models import Category
    from cicopa.knowledge.models import Topic

    if not Country.objects.exists():
        importlib.import_module("cicopa.core.migrations.0002_reference_data").load(apps, None)
        importlib.import_module("cicopa.core.migrations.0006_company_legal_form").add(apps, None)
    if not Category.objects.exists():
        importlib.import_module("cicopa.exchange.migrations.0002_reference_data").load(apps, None)
    if not Topic.objects.exists():
        importlib.import_module("cicopa.knowledge.migrations.0002_load_topics").load(apps, None)
